using System.Globalization;
using System.Net;
using MimeKit;

namespace Vault.Ingestion.Onboarding;

/// <summary>
/// The email that carries a link: plain text and HTML (multipart/alternative), naming who asks, the connector and when
/// the link stops working. Every name is HTML-encoded in the HTML part; the link is the only URL in it.
/// </summary>
public static class InvitationMessage
{
    public static MimeMessage Build(MailboxAddress from, string to, string? organisation, string connectorName, Uri url, DateTimeOffset expiresAt)
    {
        ArgumentNullException.ThrowIfNull(url);
        var asker = string.IsNullOrWhiteSpace(organisation) ? "Your administrator" : organisation.Trim();
        var expiry = expiresAt.UtcDateTime.ToString("dddd d MMMM yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture);
        var link = url.AbsoluteUri;

        var text = $"""
            Hello,

            {asker} archives the mailboxes of {connectorName} with Vault and asks you to connect yours ({to}).

            Open this link, enter your mailbox password (or an App Password, the page explains how to make one) and press Save:

            {link}

            Vault then archives your mailbox on its server; you may close the browser. The link works once, until {expiry}.
            If you did not expect this message, ignore it: nothing happens without your password.
            """;
        string E(string value) => WebUtility.HtmlEncode(value);
        var html = $"""
            <!doctype html>
            <html lang="en"><body style="font-family: sans-serif; line-height: 1.5; color: #1f2933">
            <p>Hello,</p>
            <p><strong>{E(asker)}</strong> archives the mailboxes of <strong>{E(connectorName)}</strong> with Vault and asks you to connect yours ({E(to)}).</p>
            <p><a href="{E(link)}">Connect my mailbox</a></p>
            <p>Or copy this address into your browser:<br><code>{E(link)}</code></p>
            <p>Vault then archives your mailbox on its server; you may close the browser. The link works once, until <strong>{E(expiry)}</strong>.</p>
            <p style="color: #52606d">If you did not expect this message, ignore it: nothing happens without your password.</p>
            </body></html>
            """;

        var message = new MimeMessage();
        message.From.Add(from);
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = $"{asker} asks you to connect your mailbox to the archive ({connectorName})";
        message.Body = new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody();
        return message;
    }
}
