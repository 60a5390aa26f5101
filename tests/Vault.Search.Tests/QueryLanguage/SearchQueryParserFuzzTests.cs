using System.Diagnostics;
using System.Globalization;
using Vault.Search.QueryLanguage;
using Vault.Search.Searching;
using Vault.Search.Tests.Mailboxes;
using Vault.TestSupport;

namespace Vault.Search.Tests.QueryLanguage;

/// <summary>
/// The parser and the search behind it under random and grammar-shaped input (<see cref="RandomSearchQueries"/>,
/// fixed seeds): every input either runs as a search or is a <see cref="SearchQueryException"/> whose position
/// lies within the input. Counts, not time, bound the run; the figures go to the test output.
/// </summary>
public sealed class SearchQueryParserFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int InputsPerSeed = 3000;

    private readonly ScratchIndex _index = new();

    public void Dispose() => _index.Dispose();

    [Theory]
    [InlineData(1301)]
    [InlineData(1302)]
    [InlineData(1303)]
    public async Task Every_input_runs_or_is_a_syntax_error_within_it(int seed)
    {
        _index.Add("From: Alice <alice@example.org>\r\nSubject: pelican report\r\nDate: Thu, 02 Mar 2023 10:00:00 +0000\r\n\r\nThe Übersicht of the e-mail.\r\n");
        await _index.Index.CommitAsync(TestContext.Current.CancellationToken);
        var inputs = new RandomSearchQueries(seed);
        var errors = new Dictionary<string, int>(StringComparer.Ordinal);
        var (accepted, hits) = (0, 0L);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < InputsPerSeed; i++)
        {
            var query = inputs.Next();
            try
            {
                hits += (await _index.Search.SearchAsync(query, 1, 5, i % 2 == 0 ? SearchSort.Date : SearchSort.Relevance, TestContext.Current.CancellationToken)).Total;
                accepted++;
            }
            catch (SearchQueryException error)
            {
                Assert.True(error.Position >= 0 && error.Position <= query.Length, $"seed {seed} #{i}: position {error.Position} outside {Show(query)}");
                var kind = KindOf(error.Message);
                errors[kind] = errors.GetValueOrDefault(kind) + 1;
            }
            catch (Exception failure)
            {
                // The one place to name the input that broke the parser: anything but a syntax error fails the test.
                Assert.Fail($"seed {seed} #{i}: {Show(query)} threw {failure}");
            }
        }

        output.WriteLine($"seed {seed}: {InputsPerSeed} inputs, {accepted} searched ({hits} hits), {InputsPerSeed - accepted} syntax errors in {clock.Elapsed.TotalSeconds:F1} s");
        foreach (var (kind, count) in errors.OrderByDescending(e => e.Value))
        {
            output.WriteLine($"  {count,5}  {kind}");
        }

        // Both outcomes occur, so the generator reaches the parser's errors and its queries alike.
        Assert.InRange(accepted, InputsPerSeed / 10, InputsPerSeed - (InputsPerSeed / 10));
    }

    /// <summary>The message without the quoted value, so the figures group by kind of error.</summary>
    private static string KindOf(string message)
    {
        var quote = message.IndexOf('\'', StringComparison.Ordinal);
        var end = quote < 0 ? -1 : message.IndexOf('\'', quote + 1);
        return end < 0 ? message : message[..quote] + "'…'" + message[(end + 1)..];
    }

    private static string Show(string query) =>
        "\"" + string.Concat(query.Take(300).Select(c => c is < ' ' or > '~' ? $"\\u{(int)c:X4}" : c.ToString(CultureInfo.InvariantCulture))) + (query.Length > 300 ? $"…\" ({query.Length} chars)" : "\"");
}
