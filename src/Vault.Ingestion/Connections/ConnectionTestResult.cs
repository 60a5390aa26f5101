using Vault.Ingestion.Errors;

namespace Vault.Ingestion.Connections;

/// <summary>The outcome of trying a source's settings: connect, authenticate, list folders; nothing saved.</summary>
public sealed record ConnectionTestResult(bool Ok, ClassifiedError? Error, IReadOnlyList<string> Capabilities, IReadOnlyList<MailFolderInfo> Folders);
