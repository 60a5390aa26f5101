using System.Text;
using MimeKit;
using Vault.Archive.Messages;
using Vault.Search.Documents;
using Vault.TestSupport;

namespace Vault.Search.Tests.Documents;

/// <summary>
/// MessageTextExtractor decodes text parts itself (pooled buffers, one string) instead of through TextPart.Text; the
/// text must be exactly MimeKit's: same charset choice and fallbacks, same line breaks.
/// </summary>
public sealed class TextPartReadingTests
{
    [Theory]
    [InlineData("text/plain; charset=utf-8", "8bit", "Gr\u00fc\u00dfe\r\naus Z\u00fcrich\r\n")]
    [InlineData("text/plain", "8bit", "no charset, UTF-8 bytes: \u00e9t\u00e9\r\n")]
    [InlineData("text/plain; charset=iso-8859-1", "quoted-printable", "caf=E9 =\r\nsoft break\r\n")]
    [InlineData("text/plain; charset=utf-8", "base64", "w6l0w6kNCmxvbmUgQ1IgYXQgdGhlIGVuZA0=")]
    [InlineData("text/plain; charset=x-unknown-charset", "8bit", "unknown charset\r\n")]
    [InlineData("text/html", "8bit", "<meta charset=\"windows-1252\"><p>na\u00efve\r</p>\r\r\n")]
    [InlineData("text/plain; charset=utf-16", "base64", "//5oAGkADQAKAA==")]
    [InlineData("text/plain; charset=us-ascii", "8bit", "\rlone\rCR, two\r\r\nbefore LF\r\n\r\nand at the end\r")]
    [InlineData("text/plain; charset=us-ascii", "8bit", "\r\r")]
    public void A_text_part_reads_as_TextPart_Text_does(string contentType, string encoding, string body)
    {
        // Bodies with non-ASCII characters are written as Latin-1 bytes unless they are UTF-8 on purpose.
        var bytes = Encoding.Latin1.GetBytes($"Content-Type: {contentType}\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n")
            .Concat(contentType.Contains("utf-8", StringComparison.Ordinal) || contentType == "text/plain" ? Encoding.UTF8.GetBytes(body) : Encoding.Latin1.GetBytes(body))
            .ToArray();
        using var raw = new MemoryStream(bytes, writable: false);
        var part = Assert.IsType<TextPart>(MimeEntity.Load(raw, persistent: true, TestContext.Current.CancellationToken));
        Assert.Equal(part.Text, MessageTextExtractor.ReadText(part, int.MaxValue));
    }

    [Fact]
    public void Every_text_part_of_the_corpus_reads_as_TextPart_Text_does()
    {
        var parts = 0;
        var differ = new List<string>();
        foreach (var file in SharedFolder.CorpusMessages())
        {
            using var raw = new MemoryStream(File.ReadAllBytes(file), writable: false);
            var message = MessageLoader.TryLoad(raw, TestContext.Current.CancellationToken);
            foreach (var part in message?.BodyParts.OfType<TextPart>() ?? [])
            {
                parts++;
                string expected;
                try
                {
                    expected = part.Text;
                }
                catch (Exception ex) when (ex is EncoderFallbackException or DecoderFallbackException)
                {
                    Assert.ThrowsAny<Exception>(() => MessageTextExtractor.ReadText(part, int.MaxValue));
                    continue;
                }

                if (MessageTextExtractor.ReadText(part, int.MaxValue) != expected)
                {
                    differ.Add($"{Path.GetFileName(file)}: {part.ContentType.MimeType} {part.ContentType.Charset} {part.ContentTransferEncoding}");
                }
            }
        }

        Assert.True(parts > 3000, $"{parts} text parts");
        Assert.True(differ.Count == 0, string.Join("\n", differ));
    }
}
