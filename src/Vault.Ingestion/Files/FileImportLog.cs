using Microsoft.Extensions.Logging;

namespace Vault.Ingestion.Files;

internal static partial class FileImportLog
{
    [LoggerMessage(3101, LogLevel.Warning, "Source {SourceId}: {File}: {Where}: {Problem}")]
    public static partial void Problem(ILogger logger, string sourceId, string file, string where, string problem);

    [LoggerMessage(3102, LogLevel.Information, "Source {SourceId}: imported {Messages} messages from {Files} files with {Problems} problems")]
    public static partial void Finished(ILogger logger, string sourceId, long messages, int files, int problems);
}
