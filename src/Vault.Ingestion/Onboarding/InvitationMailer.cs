using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Vault.Archive.Invitations;

namespace Vault.Ingestion.Onboarding;

/// <summary>
/// Sends invitations through <c>Vault:Smtp</c> with MailKit's SmtpClient, one connection for a whole batch. Every
/// outcome is recorded on its invitation (<see cref="Invitation.SentAt"/> or <see cref="Invitation.SendError"/>): a
/// failed send never loses the invitation, and the administrator can send it again.
/// </summary>
public sealed class InvitationMailer(IOptions<SmtpOptions> smtp, IOptions<OnboardingOptions> onboarding)
{
    public bool IsConfigured => smtp.Value.IsConfigured;

    /// <returns>For each invitation, null when the server accepted the message, else why not.</returns>
    public async Task<IReadOnlyList<string?>> SendAsync(IReadOnlyList<IssuedInvitation> issued, string connectorName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issued);
        var options = smtp.Value;
        var outcomes = new string?[issued.Count];
        using var client = new SmtpClient { Timeout = (int)options.Timeout.TotalMilliseconds };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Timeout);
        try
        {
            var security = !options.Tls ? SecureSocketOptions.None : options.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls;
            await client.ConnectAsync(options.Host!, options.Port, security, deadline.Token);
            if (!string.IsNullOrEmpty(options.Username))
            {
                await client.AuthenticateAsync(options.Username, options.Password ?? string.Empty, deadline.Token);
            }
        }
        catch (Exception e) when (IsSendFailure(e, cancellationToken))
        {
            Array.Fill(outcomes, Describe(e, options));
            return outcomes;
        }

        var from = MailboxAddress.Parse(options.From!);
        for (var i = 0; i < issued.Count; i++)
        {
            var (invitation, url) = issued[i];
            try
            {
                // Each message gets its own time: a batch of hundreds must not share one deadline.
                deadline.CancelAfter(options.Timeout);
                var message = InvitationMessage.Build(from, invitation.Email, onboarding.Value.Organisation, connectorName, url, invitation.ExpiresAt);
                await client.SendAsync(message, deadline.Token);
            }
            catch (Exception e) when (IsSendFailure(e, cancellationToken))
            {
                outcomes[i] = Describe(e, options);
                if (!client.IsConnected)
                {
                    // The connection is gone: the rest fail with the same reason rather than each waiting for a timeout.
                    Array.Fill(outcomes, outcomes[i], i + 1, issued.Count - i - 1);
                    return outcomes;
                }
            }
        }

        await client.DisconnectAsync(true, cancellationToken);
        return outcomes;
    }

    private static bool IsSendFailure(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        SmtpCommandException or SmtpProtocolException or AuthenticationException or SslHandshakeException => true,
        System.Net.Sockets.SocketException or IOException or TimeoutException or FormatException or ParseException => true,
        _ => false,
    };

    private static string Describe(Exception exception, SmtpOptions options) => exception switch
    {
        OperationCanceledException or TimeoutException => $"The SMTP server {options.Host}:{options.Port} did not answer within {options.Timeout.TotalSeconds:0} s.",
        SmtpCommandException command => $"The SMTP server refused it: {(int)command.StatusCode} {command.Message}",
        AuthenticationException => $"The SMTP server {options.Host} did not accept Vault:Smtp:Username and Password.",
        System.Net.Sockets.SocketException socket => $"Could not reach the SMTP server {options.Host}:{options.Port}: {socket.Message}",
        _ => $"Sending failed: {exception.Message}",
    };
}
