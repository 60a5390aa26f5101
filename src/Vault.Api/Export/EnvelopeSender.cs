using MimeKit;
using Vault.Archive.Messages;

namespace Vault.Api.Export;

/// <summary>
/// The address on an mbox <c>From </c> line (RFC 4155 §2): the envelope sender, which a delivered message carries as
/// Return-Path; else the first From address; else MAILER-DAEMON, as mail systems write for bounces (<c>&lt;&gt;</c>).
/// </summary>
public static class EnvelopeSender
{
    public const string MailerDaemon = "MAILER-DAEMON";

    /// <summary>Reads only the header block of <paramref name="rawMessage"/>.</summary>
    public static string Read(Stream rawMessage)
    {
        HeaderList headers;
        try
        {
            headers = HeaderList.Load(MimeParsing.Options, rawMessage);
        }
        catch (FormatException)
        {
            return MailerDaemon;
        }

        if (headers[HeaderId.ReturnPath] is { } returnPath)
        {
            var address = returnPath.Trim().Trim('<', '>').Trim();
            return address.Length == 0 ? MailerDaemon : Clean(address);
        }

        if (headers[HeaderId.From] is { } from && InternetAddressList.TryParse(MimeParsing.Options, from, out var list)
            && list.Mailboxes.FirstOrDefault() is { Address.Length: > 0 } mailbox)
        {
            return Clean(mailbox.Address);
        }

        return MailerDaemon;
    }

    /// <summary>The line's fields are separated by spaces: an address with white space or controls would split it.</summary>
    private static string Clean(string address)
    {
        var cleaned = new string(address.Where(c => c > ' ' && c != 0x7F).ToArray());
        return cleaned.Length == 0 ? MailerDaemon : cleaned;
    }
}
