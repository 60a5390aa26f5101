using Vault.Archive.Sources;

namespace Vault.Ingestion.Sync;

/// <summary>Reads a source's password through the store's <see cref="CredentialProtector"/>, the one place that encrypts it.</summary>
public sealed class ProtectedPasswordReader(CredentialProtector protector) : ISourcePasswordReader
{
    public string ReadPassword(Source source) =>
        protector.Unprotect((source ?? throw new ArgumentNullException(nameof(source))).EncryptedPassword);
}
