using Microsoft.Extensions.Logging;

namespace Vault.Api.Export;

internal static partial class ExportLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Exported {Messages} messages ({Bytes} bytes) of {What} as {Format} in {ElapsedMs} ms")]
    public static partial void Exported(ILogger logger, string what, ExportFormat format, long messages, long bytes, long elapsedMs);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Export of {What} as {Format} failed after the response started; the connection was aborted so the client sees an incomplete download")]
    public static partial void Failed(ILogger logger, Exception exception, string what, ExportFormat format);
}
