using System.Net.Security;
using MailKit.Net.Imap;
using MailKit.Security;
using Vault.Archive.Sources;

namespace Vault.Ingestion.Imap;

/// <summary>Connects and logs in one IMAP client for the sync engine.</summary>
internal static class ImapSessionOpener
{
    public static async Task<ImapClient> OpenAsync(SourceSettings settings, string password, CancellationToken cancellationToken)
    {
        var client = new ImapClient { Timeout = (int)settings.Timeout.TotalMilliseconds };
        try
        {
            // A person may accept a self-signed certificate for their own server; never the default.
            client.ServerCertificateValidationCallback = (_, _, _, errors) => settings.AllowInsecureCertificate || errors == SslPolicyErrors.None;

            var tls = settings.TlsMode switch
            {
                TlsMode.Implicit => SecureSocketOptions.SslOnConnect,
                TlsMode.StartTls => SecureSocketOptions.StartTls,
                _ => SecureSocketOptions.None,
            };
            await client.ConnectAsync(settings.Host, settings.Port, tls, cancellationToken);
            await client.AuthenticateAsync(settings.Username, password, cancellationToken);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }
}
