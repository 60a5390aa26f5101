using System.Net.Sockets;
using System.Text.RegularExpressions;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Security;
using Vault.Archive;
using Vault.Archive.Sources;
using Vault.Ingestion.Connections;
using Vault.Ingestion.Credentials;
using Vault.Ingestion.Providers;

namespace Vault.Ingestion.Errors;

/// <summary>
/// Turns what went wrong on a mail connection (MailKit, socket, TLS exceptions and the server's own words) into
/// a <see cref="ClassifiedError"/> a person can act on. Provider texts follow notes/imap-sync-and-mime.md §5.
/// Transient: timeouts, refused connections, DNS "try again", rate limits, connection caps, [UNAVAILABLE],
/// an unexplained BYE or drop. Not transient: credentials, certificates, TLS required, IMAP disabled, and a host
/// name that does not exist (NXDOMAIN is a typo or a retired server, so retrying cannot help: a person must fix it).
/// </summary>
public static partial class ErrorClassifier
{
    private const string AllowInsecureHint =
        "If this server uses a self-signed or private certificate you trust, turn on 'Allow insecure certificate' for this source. " +
        "It is risky: Vault then accepts any certificate, so anyone between Vault and the server could read the password and the mail.";

    /// <param name="credential">How the login was made, when it was one: a master user's failure reads differently.</param>
    public static ClassifiedError Classify(Exception exception, SourceSettings? settings, ServerTranscript? transcript = null, MailCredential? credential = null)
    {
        ArgumentNullException.ThrowIfNull(exception);
        transcript ??= ServerTranscript.Empty;

        if (exception is MailConnectionException connectionFailure)
        {
            return connectionFailure.Error;
        }

        var provider = ProviderPresets.Recognize(settings);
        return exception switch
        {
            AuthenticationException authentication when credential is MasterUserCredential master => ClassifyMasterUser(authentication.Message, master, transcript),
            AuthenticationException authentication when credential is OAuth2Credential oauth => ClassifyOAuth(authentication.Message, oauth, transcript),
            AuthenticationException authentication => ClassifyAuthentication(authentication.Message, settings, provider, transcript),
            SslHandshakeException handshake => ClassifyHandshake(handshake, transcript),
            ImapCommandException command when Contains(command.ResponseText ?? string.Empty, "User is authenticated but not connected") => NotConnected(command.ResponseText, transcript),
            ImapCommandException command => ClassifyServerText(command.ResponseText, transcript)
                ?? new ClassifiedError(ErrorCodes.ProtocolError, "The server refused a command.", "Vault retries later; if it keeps happening, check the server's logs.", ServerWords(command.ResponseText, transcript), true),
            Pop3CommandException pop3 => ClassifyServerText(pop3.StatusText, transcript)
                ?? new ClassifiedError(ErrorCodes.ProtocolError, "The POP3 server refused a command.", "Vault retries later; if it keeps happening, check the server's logs.", ServerWords(pop3.StatusText, transcript), true),
            ImapProtocolException or Pop3ProtocolException or ServiceNotConnectedException => ClassifyDrop(exception, transcript),
            NotSupportedException notSupported when notSupported.Message.Contains("STARTTLS", StringComparison.OrdinalIgnoreCase) ||
                                                     notSupported.Message.Contains("STLS", StringComparison.OrdinalIgnoreCase) =>
                new ClassifiedError(ErrorCodes.TlsHandshakeFailed, "The server does not offer STARTTLS on this port.", "Use implicit TLS (usually port 993 for IMAP, 995 for POP3), or plain text only on a network you trust.", null, false),
            TimeoutException or OperationCanceledException => TimedOut(settings),
            SocketException socket => ClassifySocket(socket, settings),
            IOException io when FindInner<SocketException>(io) is { } socket => ClassifySocket(socket, settings),
            IOException io when FindInner<TimeoutException>(io) is not null => TimedOut(settings),
            IOException => ClassifyDrop(exception, transcript),
            _ => new ClassifiedError(ErrorCodes.Unknown, "Something unexpected went wrong while talking to the server.", "Vault retries later; if it keeps happening, the service log has the details.", LastServerLine(transcript), true),
        };
    }

    /// <summary>
    /// A failure of the archive itself (a full disk, a database that cannot be written, MongoDB out of reach): not
    /// the mail server's fault, so it must never read like one. Transient: once there is room again, Vault continues
    /// where it stopped, and nothing fetched so far is lost (a batch is archived whole or not at all).
    /// </summary>
    public static ClassifiedError ClassifyStorageFailure(ArchiveStorageException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.DiskFull
            ? new ClassifiedError(ErrorCodes.StorageError, "The disk that holds Vault's archive is full.",
                "Free space on the disk of Vault's data directory (Vault:DataDirectory), or move it to a larger disk. Vault retries on its own and continues where it stopped; nothing archived so far is lost.",
                null, true)
            : new ClassifiedError(ErrorCodes.StorageError, "Vault could not write to its archive.",
                "Check that the data directory (Vault:DataDirectory) is writable and its disk healthy, or that MongoDB is reachable; the service log has the details. Vault retries on its own.",
                null, true);
    }

    /// <summary>
    /// MailKit hides the server's reason on a failed SASL login ("Authentication failed." whatever it was); the
    /// transcript keeps it. Dovecot: a wrong master password is [AUTHENTICATIONFAILED], a target user the userdb does not
    /// know is [AUTHORIZATIONFAILED] (notes/master-users.md §1); Cyrus answers "NO" with its SASL text after a pause.
    /// </summary>
    private static ClassifiedError ClassifyMasterUser(string message, MasterUserCredential master, ServerTranscript transcript)
    {
        var words = ServerWords(message, transcript);
        var text = string.Join('\n', [message, .. transcript.Alerts, .. transcript.LastLines]);
        if (ClassifyServerText(text, transcript) is { } limit)
        {
            return limit;
        }

        if (Contains(text, "[AUTHORIZATIONFAILED]"))
        {
            return new ClassifiedError(ErrorCodes.AuthorizationFailed,
                $"The admin's password was accepted, but the server would not let the admin open mailbox '{master.Mailbox}'.",
                "Check that this user name exists on the server exactly as written (with or without the domain, as the server expects). " +
                "Dovecot: the master passdb needs 'result_success = continue' (or 'pass = yes') and the userdb must know the user; " +
                "Cyrus: the admin must be listed in 'admins' or 'proxyservers'. Vault does not retry on its own.",
                words, false);
        }

        return new ClassifiedError(ErrorCodes.AuthenticationFailed,
            $"The server rejected the connector's admin (master user) credentials for '{master.AdminUsername}'.",
            "Check the admin user name and password in the connector, and that the server accepts master users: Dovecot needs a passdb with 'master = yes' " +
            "(and, for the user*admin form, auth_master_user_separator set to the separator given here). Vault does not retry on its own, so the admin account is not locked.",
            words, false);
    }

    /// <summary>
    /// A refused XOAUTH2/OAUTHBEARER login. Gmail and Dovecot send an error challenge (JSON) and then a tagged NO; Microsoft
    /// answers "AUTHENTICATE failed." whatever the cause (oauth2-imap.md §2, §3), so the tagged reply is what counts here.
    /// A token from the cache may simply have been revoked early: that is retried with a new one. A token issued for this
    /// very login that is refused points at the account, the scopes or IMAP being off: a person must look.
    /// </summary>
    private static ClassifiedError ClassifyOAuth(string message, OAuth2Credential oauth, ServerTranscript transcript)
    {
        var words = ServerWords(message, transcript);
        var text = string.Join('\n', [message, .. transcript.Alerts, .. transcript.LastLines]);
        if (ClassifyServerText(text, transcript) is { } limit)
        {
            // Gmail's connection cap arrives as an OAuth failure: {"status":"400",...} then "[ALERT] Too many simultaneous connections." (MailKit#377).
            return limit;
        }

        var google = oauth.Provider == Archive.OAuth.OAuthProvider.Google;
        if (Contains(text, "not enabled for IMAP") || Contains(text, "IMAP access is disabled") || Contains(text, "IMAP is disabled") || Contains(text, "IMAP access disabled"))
        {
            return new ClassifiedError(ErrorCodes.ImapDisabled, "IMAP access is turned off for this mailbox.",
                google
                    ? "Turn IMAP on: in Google Workspace an administrator enables it under Admin console > Apps > Google Workspace > Gmail > End User Access (changes can take up to 24 hours). Then resume this source."
                    : $"An Exchange administrator turns IMAP on for the mailbox: Set-CASMailbox {oauth.Mailbox} -ImapEnabled $true (or Exchange admin center > Mailboxes > the mailbox > Email apps). Then resume this source.",
                words, false);
        }

        if (!oauth.FreshlyIssued)
        {
            return new ClassifiedError(ErrorCodes.OAuthTokenRejected, "The mail server refused the saved access token.",
                "Nothing to do yet: Vault asks the provider for a new token and tries again. If the account's sign-in was revoked, this source then asks you to reconnect.",
                words, true);
        }

        return new ClassifiedError(ErrorCodes.AuthenticationFailed, "The mail server refused a new access token for this mailbox.",
            google
                ? $"Check that the user name ({oauth.Mailbox}) is exactly the Google account that signed in, that IMAP is on for it (Workspace: Admin console > Apps > Google Workspace > Gmail > End User Access), and that the OAuth scopes include https://mail.google.com/. Then press Reconnect."
                : $"Microsoft answers 'AUTHENTICATE failed' whatever the reason. Check that the user name ({oauth.Mailbox}) is the account that signed in (or a mailbox it has Full Access to), that IMAP is enabled for the mailbox (Set-CASMailbox {oauth.Mailbox} -ImapEnabled $true), and that the app registration has the delegated permission IMAP.AccessAsUser.All. Then press Reconnect.",
            words, false);
    }

    /// <summary>
    /// Microsoft's "BAD User is authenticated but not connected." on the first command after a successful XOAUTH2 login:
    /// the token's user is not the mailbox (or lacks Full Access to it), the permission is missing, or the mailbox is not
    /// licensed; now and then it is throttling of frequent logins, hence retried with a growing wait (imap-sync-and-mime.md §5).
    /// </summary>
    private static ClassifiedError NotConnected(string? responseText, ServerTranscript transcript) =>
        new(ErrorCodes.AuthorizationFailed, "Microsoft accepted the sign-in but would not open the mailbox.",
            "Check that the user name is the signed-in account (or a shared mailbox it has Full Access to), that the app has the delegated permission IMAP.AccessAsUser.All, and that the mailbox is licensed for Exchange Online. Vault retries with a growing wait.",
            ServerWords(responseText, transcript), true);

    private static ClassifiedError ClassifyAuthentication(string message, SourceSettings? settings, ProviderPreset? provider, ServerTranscript transcript)
    {
        var words = ServerWords(message, transcript);
        var text = string.Join('\n', [message, .. transcript.Alerts, .. transcript.LastLines]);

        // Gmail: "* NO [WEBALERT https://accounts.google.com/...] Web login required." then "[ALERT] Please log in via your web browser".
        if (transcript.WebAlertUrl is not null || Contains(text, "Web login required") || Contains(text, "log in via your web browser"))
        {
            var url = transcript.WebAlertUrl?.ToString() ?? FirstUrl(text);
            return new ClassifiedError(ErrorCodes.WebLoginRequired, "The provider blocked the sign-in until you confirm it in a web browser.",
                url is null ? "Sign in to the account in a web browser, confirm the blocked sign-in, then resume this source." : $"Open {url} in a browser, sign in and confirm the blocked sign-in, then resume this source.",
                words, false);
        }

        if (Contains(text, "Application-specific password required") || Contains(text, "app password required"))
        {
            var preset = provider ?? ProviderPresets.Gmail;
            return AppPassword(preset, words);
        }

        if (Contains(text, "Basic authentication is disabled") || Contains(text, "BasicAuthBlocked"))
        {
            return new ClassifiedError(ErrorCodes.OAuthRequired, "The provider no longer accepts passwords over IMAP: it requires OAuth sign-in.",
                $"{ProviderPresets.Outlook.Steps} See {ProviderPresets.Outlook.HelpUrl}.", words, false);
        }

        if (ClassifyServerText(text, transcript) is { } limit)
        {
            // Connection caps, rate limits and a server's own trouble ([SYS/TEMP], [SYS/PERM]) can arrive as the answer
            // to LOGIN; they are not the password's fault.
            return limit;
        }

        if (Contains(text, "IMAP is disabled") || Contains(text, "IMAP access is disabled") || Contains(text, "IMAP access disabled"))
        {
            var steps = provider is null ? "Turn IMAP access on in the mailbox's web settings, then resume this source." : $"{provider.Steps} See {provider.HelpUrl}.";
            return new ClassifiedError(ErrorCodes.ImapDisabled, "IMAP access is turned off for this mailbox.", steps, words, false);
        }

        if (Contains(text, "LOGIN command is disabled") || Contains(text, "LOGINDISABLED") || Contains(text, "PRIVACYREQUIRED"))
        {
            return TlsRequired(words);
        }

        if (Contains(text, "[AUTHORIZATIONFAILED]"))
        {
            return new ClassifiedError(ErrorCodes.AuthenticationFailed, "The server accepted the credentials but refused access to this mailbox.", "Check the username; a master or admin user may not be allowed to open this mailbox.", words, false);
        }

        if (Contains(text, "[EXPIRED]"))
        {
            return new ClassifiedError(ErrorCodes.AuthenticationFailed, "The password has expired.", "Set a new password at the provider, then edit this source with it.", words, false);
        }

        if (provider is not null && provider.NeedsAppPassword && provider != ProviderPresets.Gmail)
        {
            // Yahoo, iCloud, Fastmail, Zoho, Yandex answer a normal password exactly like a wrong one.
            return AppPassword(provider, words);
        }

        var hint = provider switch
        {
            { Id: "gmail" } => $"Gmail accepts only an App Password here: the one entered is wrong or was revoked. {ProviderPresets.Gmail.Steps} See {ProviderPresets.Gmail.HelpUrl}.",
            { Id: "outlook" } => "Microsoft answers 'LOGIN failed' for a wrong password, for Basic authentication turned off (OAuth needed) and for IMAP turned off on the mailbox. Check the password first, then that IMAP is enabled for the mailbox.",
            { Id: "gmx" } => $"Check the password. {ProviderPresets.Gmx.Steps}",
            _ => "Check the username and password, then edit this source. Vault does not retry on its own, so the account is not locked by repeated attempts.",
        };
        return new ClassifiedError(ErrorCodes.AuthenticationFailed, "The server rejected the username or password.", hint, words, false);
    }

    /// <summary>Limits and availability codes a server can put on any NO/BAD/BYE (RFC 5530 and provider texts).</summary>
    private static ClassifiedError? ClassifyServerText(string? responseText, ServerTranscript transcript)
    {
        var text = string.Join('\n', [responseText ?? string.Empty, .. transcript.Alerts, .. transcript.LastLines]);
        var words = ServerWords(responseText, transcript);
        if (Contains(text, "Too many simultaneous connections") || Contains(text, "Maximum number of connections") || Contains(text, "too many connections"))
        {
            return new ClassifiedError(ErrorCodes.TooManyConnections, "The server refused another connection for this account.", "Other mail apps hold the account's connections; Vault retries later. Closing unused mail clients helps.", words, true);
        }

        if (Contains(text, "[OVERQUOTA]") || Contains(text, "bandwidth limits"))
        {
            return new ClassifiedError(ErrorCodes.QuotaExceeded, "The provider's download or command allowance for this account is used up.", "Vault waits and continues; Gmail resets its daily IMAP allowance after up to 24 hours.", words, true);
        }

        if (Contains(text, "[LIMIT]") || Contains(text, "Rate limit") || Contains(text, "[THROTTLED]"))
        {
            return new ClassifiedError(ErrorCodes.RateLimited, "The server is limiting how fast Vault may fetch.", "Nothing to do: Vault slows down and retries.", words, true);
        }

        if (Contains(text, "[IN-USE]"))
        {
            // RFC 2449 §8.1.2: the maildrop is locked by another POP3 session (Dovecot ≥ 2.4.3 also says it for its
            // per-user connection limit). It passes once the other client lets go.
            return new ClassifiedError(ErrorCodes.TooManyConnections, "Another mail client holds this POP3 mailbox right now.", "Nothing to do: Vault retries later. A mail app that keeps POP3 open (or checks very often) makes this happen more.", words, true);
        }

        if (Contains(text, "[LOGIN-DELAY]"))
        {
            return new ClassifiedError(ErrorCodes.RateLimited, "The POP3 server allows logins only every so often.", "Nothing to do: Vault waits and retries; a longer poll interval avoids it.", words, true);
        }

        if (Contains(text, "[SYS/TEMP]"))
        {
            // RFC 3206 §4: a temporary problem on the server's side.
            return new ClassifiedError(ErrorCodes.ServerUnavailable, "The POP3 server reports a temporary problem.", "Nothing to do: Vault retries later. The password is not the problem.", words, true);
        }

        if (Contains(text, "[SYS/PERM]"))
        {
            return new ClassifiedError(ErrorCodes.ProtocolError, "The POP3 server reports a permanent problem with this mailbox.", "Ask the server's administrator (its log names the problem); resume this source once it is fixed.", words, false);
        }

        if (Contains(text, "[UNAVAILABLE]") || Contains(text, "temporarily unavailable") || Contains(text, "[INUSE]") || Contains(text, "[SERVERBUG]"))
        {
            return new ClassifiedError(ErrorCodes.ServerUnavailable, "The server is temporarily unavailable.", "Nothing to do: Vault retries later. The password is not the problem.", words, true);
        }

        if (Contains(text, "PRIVACYREQUIRED"))
        {
            return TlsRequired(words);
        }

        return null;
    }

    private static ClassifiedError ClassifyHandshake(SslHandshakeException handshake, ServerTranscript transcript)
    {
        // MailKit only attaches the certificate when certificate validation was what failed.
        if (transcript.CertificateRejected || handshake.ServerCertificate is not null)
        {
            var subject = handshake.ServerCertificate?.Subject;
            return new ClassifiedError(ErrorCodes.TlsCertificateInvalid,
                subject is null ? "The server's TLS certificate is not trusted." : $"The server's TLS certificate ({subject}) is not trusted.",
                "Check the host name matches the certificate. " + AllowInsecureHint, null, false);
        }

        return new ClassifiedError(ErrorCodes.TlsHandshakeFailed, "The TLS handshake with the server failed.",
            "Check the port and TLS setting: implicit TLS is usually 993 (IMAP) or 995 (POP3), STARTTLS 143 or 110. The server may also only offer TLS versions Vault refuses.",
            null, false);
    }

    private static ClassifiedError ClassifySocket(SocketException socket, SourceSettings? settings)
    {
        var target = settings is null ? "the server" : $"{settings.Host}:{settings.Port}";
        return socket.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => new(ErrorCodes.ConnectionRefused, $"Nothing accepted the connection at {target}.", "Check the host and port; the server may be down. Vault retries on its own.", null, true),
            SocketError.HostNotFound or SocketError.NoData => new(ErrorCodes.HostNotFound, settings is null ? "The host name does not exist in DNS." : $"The host name '{settings.Host}' does not exist in DNS.", "Check the spelling of the host, then edit this source. Vault does not retry a name that does not exist.", null, false),
            SocketError.TryAgain => new(ErrorCodes.HostNotFound, "The DNS lookup for the host failed for now.", "Usually a temporary DNS problem; Vault retries on its own.", null, true),
            SocketError.TimedOut => TimedOut(settings),
            SocketError.NetworkUnreachable or SocketError.HostUnreachable or SocketError.NetworkDown => new(ErrorCodes.ConnectionRefused, $"{target} cannot be reached from this machine.", "Check the network and firewall; Vault retries on its own.", null, true),
            _ => new(ErrorCodes.ProtocolError, "The connection to the server was lost.", "Vault reconnects on its own.", null, true),
        };
    }

    private static ClassifiedError ClassifyDrop(Exception exception, ServerTranscript transcript)
    {
        if (ClassifyServerText(null, transcript) is { } known)
        {
            return known;
        }

        var bye = transcript.LastLines.LastOrDefault(line => line.StartsWith("* BYE", StringComparison.OrdinalIgnoreCase));
        return new ClassifiedError(ErrorCodes.ProtocolError,
            bye is null ? "The server closed the connection unexpectedly." : "The server ended the session.",
            "Vault reconnects on its own; if it keeps happening, check the server's logs.",
            bye ?? LastServerLine(transcript) ?? (exception is ImapProtocolException or Pop3ProtocolException ? exception.Message : null), true);
    }

    private static ClassifiedError AppPassword(ProviderPreset provider, string? words) =>
        new(ErrorCodes.AppPasswordRequired, $"{provider.Name} needs an App Password for IMAP, not your normal password (or the App Password is wrong).",
            provider.HelpUrl is null ? provider.Steps : $"{provider.Steps} See {provider.HelpUrl}.", words, false);

    private static ClassifiedError TlsRequired(string? words) =>
        new(ErrorCodes.TlsRequired, "The server refuses to accept a password over an unencrypted connection.",
            "Turn TLS on for this source (implicit TLS on 993, or STARTTLS on 143).", words, false);

    private static ClassifiedError TimedOut(SourceSettings? settings) =>
        new(ErrorCodes.Timeout, settings is null ? "The server did not answer in time." : $"The server did not answer within {settings.Timeout.TotalSeconds:0} seconds.",
            "Check the host and port (a firewall can swallow connections silently). Vault retries on its own.", null, true);

    /// <summary>The server's own words: the tagged reply text plus any [ALERT] not already in it.</summary>
    private static string? ServerWords(string? responseText, ServerTranscript transcript)
    {
        var tagged = transcript.LastLines.LastOrDefault(line => !line.StartsWith('*') && !line.StartsWith('+'));
        var lines = new List<string>();
        lines.AddRange(transcript.LastLines.Where(line => Contains(line, "[WEBALERT") || Contains(line, "[ALERT]") || line.StartsWith("* BYE", StringComparison.OrdinalIgnoreCase)));
        if (tagged is not null && !lines.Contains(tagged))
        {
            lines.Add(tagged);
        }

        if (lines.Count == 0 && !string.IsNullOrWhiteSpace(responseText))
        {
            lines.Add(responseText);
        }

        return lines.Count == 0 ? null : string.Join('\n', lines);
    }

    private static string? LastServerLine(ServerTranscript transcript) => transcript.LastLines.Count == 0 ? null : transcript.LastLines[^1];

    private static bool Contains(string text, string value) => text.Contains(value, StringComparison.OrdinalIgnoreCase);

    private static string? FirstUrl(string text) => UrlPattern().Match(text) is { Success: true } match ? match.Value : null;

    private static T? FindInner<T>(Exception exception)
        where T : Exception
    {
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is T found)
            {
                return found;
            }
        }

        return null;
    }

    [GeneratedRegex(@"https?://[^\s\]\)]+")]
    private static partial Regex UrlPattern();
}
