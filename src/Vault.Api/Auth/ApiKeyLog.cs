using System.Net;

namespace Vault.Api.Auth;

internal static partial class ApiKeyLog
{
    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning,
        Message = "{Client} sent a wrong or missing API key {Failures} times within {Window}; its /api requests are refused (429) until the window ends")]
    public static partial void LockedOut(ILogger logger, IPAddress? client, int failures, TimeSpan window);
}
