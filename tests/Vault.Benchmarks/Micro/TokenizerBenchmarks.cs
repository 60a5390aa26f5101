using BenchmarkDotNet.Attributes;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Standard;
using MimeKit;
using Vault.Search.Analysis;
using Vault.Search.Documents;

namespace Vault.Benchmarks.Micro;

/// <summary>
/// Lucene's StandardTokenizer against <see cref="MailTokenizer"/>, which gives the same words: one operation is a pass over
/// the text of every text part of the benchmark mailbox (HTML reduced to text, as the index sees it).
/// </summary>
[MemoryDiagnoser]
public class TokenizerBenchmarks
{
    private readonly List<string> texts = [];
    private readonly Tokenizer standard = new StandardTokenizer(MailAnalyzer.Version, new StringReader(string.Empty)) { MaxTokenLength = MailTokenizer.MaxTokenLength };
    private readonly Tokenizer mail = new MailTokenizer(new StringReader(string.Empty));

    [GlobalSetup]
    public async Task SetupAsync()
    {
        foreach (var bytes in await BenchmarkMailbox.LoadAsync(CancellationToken.None))
        {
            using var raw = new MemoryStream(bytes, writable: false);
            var message = await MimeMessage.LoadAsync(raw);
            texts.AddRange(message.BodyParts.OfType<TextPart>().Select(p => p.IsHtml ? HtmlTextReducer.Reduce(p.Text) : p.Text));
        }

        Console.WriteLine($"// {texts.Count} texts, {texts.Sum(b => (long)b.Length)} characters, {Count(standard)} words");
    }

    [Benchmark(Baseline = true)]
    public int Standard() => Count(standard);

    [Benchmark]
    public int Mail() => Count(mail);

    private int Count(Tokenizer tokenizer)
    {
        var words = 0;
        foreach (var text in texts)
        {
            tokenizer.SetReader(new StringReader(text));
            tokenizer.Reset();
            while (tokenizer.IncrementToken())
            {
                words++;
            }

            tokenizer.End();
            tokenizer.Dispose();
        }

        return words;
    }
}
