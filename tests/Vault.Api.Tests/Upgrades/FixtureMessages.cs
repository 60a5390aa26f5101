using System.Globalization;
using System.Text;

namespace Vault.Api.Tests.Upgrades;

/// <summary>
/// Small, deterministic messages for the data-directory fixture: the shapes the indexer and the store meet in real mail
/// (plain ASCII, encoded-word subjects, quoted-printable Latin-1, multipart/alternative with HTML, an attachment with an
/// RFC 2231 name, a forwarded message/rfc822), each well under 2 KB so 200 of them keep the fixture small.
/// </summary>
internal static class FixtureMessages
{
    private static readonly string[] Senders =
    [
        "Alice Johnson <alice@acme.test>", "Bob Smith <bob@acme.test>", "=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen@beispiel.test>",
        "Zoë Lefèvre <zoe@exemple.test>", "Dmitri <dmitri@example.test>", "billing@vendor.test",
    ];

    private static readonly string[] Words =
    [
        "budget", "meeting", "invoice", "roadmap", "release", "pelican", "quarterly", "migration", "backup", "contract",
        "deadline", "review", "outage", "archive", "retention", "schedule", "proposal", "feedback", "audit", "launch",
    ];

    /// <summary>Message <paramref name="n"/> of <paramref name="tag"/>'s mailbox; the same arguments give the same bytes.</summary>
    public static byte[] Create(string tag, int n)
    {
        var random = new Random(HashCode(tag) * 1000 + n);
        var date = new DateTimeOffset(2021, 1, 4, 8, 0, 0, TimeSpan.Zero).AddHours(random.Next(0, 4 * 365 * 24)).AddMinutes(random.Next(60));
        var from = Senders[random.Next(Senders.Length)];
        var topic = $"{Words[random.Next(Words.Length)]} {Words[random.Next(Words.Length)]}";
        var body = string.Join(' ', Enumerable.Range(0, 20 + random.Next(40)).Select(_ => Words[random.Next(Words.Length)]));
        var headers =
            $"Return-Path: <{Address(from)}>\r\n" +
            $"From: {from}\r\n" +
            $"To: {tag}@archive.test\r\n" +
            $"Date: {date.ToString("ddd, dd MMM yyyy HH:mm:ss", CultureInfo.InvariantCulture)} +0000\r\n" +
            $"Message-ID: <{tag}.{n}@fixture.test>\r\n";

        var text = (n % 6) switch
        {
            0 => headers + $"Subject: {tag} {topic} #{n}\r\n\r\n{body}\r\nkeyword{tag} end.\r\n",
            1 => headers + $"Subject: =?UTF-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes($"Übersicht {topic} №{n}"))}?=\r\n" +
                 "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
                 $"Grüße aus München. {body}\r\nkeyword{tag}\r\n",
            2 => headers + $"Subject: {topic} (Latin-1) #{n}\r\n" +
                 "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
                 $"R=E9sum=E9 de la r=E9union: {body}\r\nkeyword{tag}\r\n",
            3 => headers + $"Subject: {tag} {topic} (HTML) #{n}\r\n" +
                 "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n" +
                 $"--alt\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n{body}\r\nkeyword{tag}\r\n" +
                 $"--alt\r\nContent-Type: text/html; charset=us-ascii\r\n\r\n<p>{body}</p><p><b>keyword{tag}</b> &amp; a &lt; b</p>\r\n--alt--\r\n",
            4 => headers + $"Subject: {tag} {topic} with attachment #{n}\r\n" +
                 "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"mix\"\r\n\r\n" +
                 $"--mix\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nSee the figures attached. keyword{tag}\r\n" +
                 "--mix\r\nContent-Type: text/csv\r\nContent-Disposition: attachment; filename*=UTF-8''Z%C3%A4hlung.csv\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
                 $"{Convert.ToBase64String(Encoding.UTF8.GetBytes($"month,count\n{date:yyyy-MM},{n}\n"))}\r\n--mix--\r\n",
            _ => headers + $"Subject: Fwd: {topic} #{n}\r\n" +
                 "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"fwd\"\r\n\r\n" +
                 $"--fwd\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nForwarding this. keyword{tag}\r\n" +
                 "--fwd\r\nContent-Type: message/rfc822\r\n\r\n" +
                 $"From: {Senders[0]}\r\nTo: {Senders[1]}\r\nSubject: {topic}\r\nDate: {date.AddDays(-1).ToString("r", CultureInfo.InvariantCulture)}\r\n\r\n{body}\r\n--fwd--\r\n",
        };

        // Case 1 carries raw UTF-8 (8bit) and case 2 Latin-1 escapes; everything else is ASCII.
        return Encoding.UTF8.GetBytes(text);
    }

    private static string Address(string from) => from.Contains('<', StringComparison.Ordinal) ? from[(from.IndexOf('<', StringComparison.Ordinal) + 1)..^1] : from;

    private static int HashCode(string tag) => tag.Aggregate(17, (hash, c) => unchecked((hash * 31) + c)) & 0xFFFF;
}
