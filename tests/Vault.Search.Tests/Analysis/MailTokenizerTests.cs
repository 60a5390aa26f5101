using System.Text;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;
using MimeKit;
using Vault.Archive.Messages;
using Vault.Search.Analysis;
using Vault.TestSupport;

namespace Vault.Search.Tests.Analysis;

/// <summary>
/// MailTokenizer cuts ASCII text itself; every word, offset, position increment and type (and the end offset and
/// increment) must be exactly what Lucene's StandardTokenizer gives, or an index written before it would answer differently.
/// </summary>
public sealed class MailTokenizerTests
{
    private const string AsciiAlphabet = "aZq09_.':,;\"- \t\r\n\f\v@/!?()[]<>#$%&*+=~`^|\\{}";

    // Non-ASCII characters with their own word-break classes: letters, a Katakana, a Hebrew letter, an ideograph,
    // Extend (a combining accent), Format (a soft hyphen), MidNumLet (a right single quote), a non-breaking space, an emoji.
    private const string OtherAlphabet = "\u00e9\u00df\u30ab\u05d0\u65e5\u0301\u00ad\u2019\u00a0\ud83d\ude00\uff10";

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Hello, world! It's 3.14 or 1,000;2 at example.com and foo_bar __x y__ _ __ a:b 1:2 a.1 1.a a..b")]
    [InlineData("john.doe@example.com wrote: \"see http://www.example.org/a_b?c=1&d=2\" -- J.R.R. O'Neil's 2023-03-01")]
    [InlineData("a_.b a_:b 1_,2 1,_2 _1 1_ a'b' 'a' 1'2 a1.2 1a.b a.1b 1,2a x.y.z 1.2.3 a:1 1;a ;a; .5 5.")]
    public void Cuts_text_as_StandardTokenizer_does(string text) => AssertSameWords(text);

    [Fact]
    public void A_word_over_the_length_limit_is_left_out_as_StandardTokenizer_leaves_it_out()
    {
        foreach (var length in new[] { 127, 128, 129, 255, 256, 5000 })
        {
            AssertSameWords($"before {new string('w', length)} after {new string('7', length)}. {new string('w', length)}");
        }
    }

    [Fact]
    public void Random_text_is_cut_as_StandardTokenizer_cuts_it()
    {
        var random = new Random(20261129);
        using var tokenizer = new MailTokenizer(new StringReader(string.Empty));
        for (var i = 0; i < 20_000; i++)
        {
            var text = RandomText(random, withOther: i % 2 == 0);
            Assert.Equal(Words(new StandardTokenizer(MailAnalyzer.Version, new StringReader(text)) { MaxTokenLength = MailTokenizer.MaxTokenLength }), Words(tokenizer, text));
        }
    }

    [Fact]
    public void Long_text_is_cut_across_the_read_window_as_StandardTokenizer_cuts_it()
    {
        // The tokenizer reads 2,048 characters at a time and cuts up to the last space; a stretch without a space grows it.
        var random = new Random(11);
        using var tokenizer = new MailTokenizer(new StringReader(string.Empty));
        for (var i = 0; i < 200; i++)
        {
            var text = new StringBuilder();
            while (text.Length < 40_000)
            {
                text.Append(RandomText(random, withOther: random.Next(3) == 0));
                if (random.Next(50) == 0)
                {
                    text.Append(random.Next(2) == 0 ? 'y' : '\u00e9', random.Next(8_000, 20_000));
                }
            }

            var value = text.ToString();
            var expected = Words(new StandardTokenizer(MailAnalyzer.Version, new StringReader(value)) { MaxTokenLength = MailTokenizer.MaxTokenLength });
            Assert.Equal(expected, Words(tokenizer, value));
            tokenizer.SetReader(new TrickleReader(value));
            Assert.Equal(expected, Words(tokenizer));
        }
    }

    [Fact]
    public void Every_text_part_of_the_corpus_is_cut_as_StandardTokenizer_cuts_it()
    {
        var parts = 0;
        var ascii = 0;
        using var tokenizer = new MailTokenizer(new StringReader(string.Empty));
        foreach (var file in SharedFolder.CorpusMessages())
        {
            using var raw = new MemoryStream(File.ReadAllBytes(file), writable: false);
            var message = MessageLoader.TryLoad(raw, TestContext.Current.CancellationToken);
            foreach (var part in message?.BodyParts.OfType<TextPart>() ?? [])
            {
                string text;
                try
                {
                    text = part.Text;
                }
                catch (Exception ex) when (ex is EncoderFallbackException or DecoderFallbackException)
                {
                    continue;
                }

                parts++;
                ascii += Ascii.IsValid(text) ? 1 : 0;
                var expected = Words(new StandardTokenizer(MailAnalyzer.Version, new StringReader(text)) { MaxTokenLength = MailTokenizer.MaxTokenLength });
                Assert.True(expected.SequenceEqual(Words(tokenizer, text)), $"{Path.GetFileName(file)}: {part.ContentType.MimeType}");
            }
        }

        Assert.True(parts > 1000, $"only {parts} text parts in the corpus");
        Assert.True(ascii > 500, $"only {ascii} ASCII text parts in the corpus");
    }

    private static void AssertSameWords(string text)
    {
        using var tokenizer = new MailTokenizer(new StringReader(string.Empty));
        var expected = Words(new StandardTokenizer(MailAnalyzer.Version, new StringReader(text)) { MaxTokenLength = MailTokenizer.MaxTokenLength });
        Assert.Equal(expected, Words(tokenizer, text));
    }

    private static string RandomText(Random random, bool withOther)
    {
        var builder = new StringBuilder();
        var length = random.Next(0, 60);
        for (var i = 0; i < length; i++)
        {
            var roll = random.Next(100);
            if (roll < 2)
            {
                builder.Append('x', random.Next(100, 300));
            }
            else if (withOther && roll < 10)
            {
                var c = random.Next(OtherAlphabet.Length);
                builder.Append(char.IsHighSurrogate(OtherAlphabet[c]) ? OtherAlphabet.AsSpan(c, 2) : char.IsLowSurrogate(OtherAlphabet[c]) ? OtherAlphabet.AsSpan(c - 1, 2) : OtherAlphabet.AsSpan(c, 1));
            }
            else if (roll < 55)
            {
                // Short runs of letters and digits, so the joining characters land between them.
                builder.Append(AsciiAlphabet[random.Next(4)], random.Next(1, 4));
            }
            else
            {
                builder.Append(AsciiAlphabet[random.Next(AsciiAlphabet.Length)]);
            }
        }

        return builder.ToString();
    }

    /// <summary>A reader that gives at most a few characters a call, as a stream decoded on the fly may.</summary>
    private sealed class TrickleReader(string text) : StringReader(text)
    {
        public override int Read(char[] buffer, int index, int count) => base.Read(buffer, index, Math.Min(count, 7));

        public override int Read(Span<char> buffer) => base.Read(buffer[..Math.Min(buffer.Length, 7)]);
    }

    /// <summary>The reused tokenizer over <paramref name="text"/>, as the analyzer reuses it field after field.</summary>
    private static List<string> Words(Tokenizer tokenizer, string text)
    {
        tokenizer.SetReader(new StringReader(text));
        return Words(tokenizer);
    }

    private static List<string> Words(Tokenizer tokenizer)
    {
        var term = tokenizer.AddAttribute<ICharTermAttribute>();
        var offset = tokenizer.AddAttribute<IOffsetAttribute>();
        var position = tokenizer.AddAttribute<IPositionIncrementAttribute>();
        var type = tokenizer.AddAttribute<ITypeAttribute>();
        var words = new List<string>();
        tokenizer.Reset();
        while (tokenizer.IncrementToken())
        {
            words.Add($"{term} {offset.StartOffset}-{offset.EndOffset} +{position.PositionIncrement} {type.Type}");
        }

        tokenizer.End();
        words.Add($"end {offset.StartOffset}-{offset.EndOffset} +{position.PositionIncrement}");
        tokenizer.Dispose();
        return words;
    }
}
