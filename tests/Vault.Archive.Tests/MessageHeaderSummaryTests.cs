using System.Text;
using Vault.Archive.Messages;

namespace Vault.Archive.Tests;

/// <summary>The header fields the archive keeps for listing, read the way the indexer reads the whole message.</summary>
public sealed class MessageHeaderSummaryTests
{
    [Fact]
    public void Encoded_words_in_a_windows_1252_charset_keep_their_euro_sign_and_dashes()
    {
        // windows-1252 is not among .NET's built-in encodings: without its code pages, MimeKit falls back to Latin-1 and
        // 0x80 (€) and 0x96 (–) become control characters. Nothing else in this test process registers them.
        var raw = Encoding.ASCII.GetBytes(
            "Subject: =?windows-1252?Q?Rechnung_=80_49_=96_M=E4rz?=\r\n" +
            "From: =?windows-1252?Q?J=FCrgen_=96_Buchhaltung?= <j@example.org>\r\n" +
            "To: a@example.org\r\n\r\nbody\r\n");

        var summary = MessageHeaderSummary.Read(new MemoryStream(raw));

        Assert.Equal("Rechnung € 49 – März", summary.Subject);
        Assert.Equal("\"Jürgen – Buchhaltung\" <j@example.org>", summary.From);
    }
}
