using BenchmarkDotNet.Attributes;
using MimeKit;
using Vault.Search.Documents;

namespace Vault.Benchmarks.Micro;

/// <summary>
/// <see cref="HtmlTextReducer.Reduce"/> alone, one operation being a pass over every text/html body of the
/// benchmark mailbox, as <c>MessageTextExtractor</c> reduces each HTML part at indexing.
/// </summary>
[MemoryDiagnoser]
public class HtmlReductionBenchmarks
{
    private List<string> bodies = [];

    [GlobalSetup]
    public async Task SetupAsync()
    {
        foreach (var bytes in await BenchmarkMailbox.LoadAsync(CancellationToken.None))
        {
            using var raw = new MemoryStream(bytes, writable: false);
            var message = await MimeMessage.LoadAsync(raw);
            bodies.AddRange(message.BodyParts.OfType<TextPart>().Where(p => p.IsHtml).Select(p => p.Text));
        }

        Console.WriteLine($"// {bodies.Count} HTML bodies, {bodies.Sum(b => (long)b.Length)} characters");
    }

    [Benchmark]
    public int ReduceEveryBody()
    {
        var characters = 0;
        foreach (var body in bodies)
        {
            characters += HtmlTextReducer.Reduce(body).Length;
        }

        return characters;
    }
}
