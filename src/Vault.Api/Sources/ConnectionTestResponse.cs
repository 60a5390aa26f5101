using Vault.Ingestion.Connections;
using Vault.Ingestion.Errors;

namespace Vault.Api.Sources;

/// <summary><c>POST /api/sources/test</c>: <c>{ ok, error?, capabilities, folders }</c>.</summary>
public sealed record ConnectionTestResponse(bool Ok, ClassifiedError? Error, IReadOnlyList<string> Capabilities, IReadOnlyList<MailFolderInfo> Folders)
{
    public static ConnectionTestResponse From(ConnectionTestResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new(result.Ok, result.Error, result.Capabilities, result.Folders);
    }
}
