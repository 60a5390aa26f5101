using Vault.Archive.Sources;

namespace Vault.Ingestion.Credentials;

/// <summary>Makes the <see cref="MailCredential"/> a source logs in with, at the moment of login.</summary>
public interface IMailCredentialProvider
{
    Task<MailCredential> GetAsync(Source source, CancellationToken cancellationToken);
}
