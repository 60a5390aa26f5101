using BenchmarkDotNet.Attributes;
using Vault.Search.Analysis;
using Vault.Search.QueryLanguage;

namespace Vault.Benchmarks.Micro;

/// <summary>
/// <see cref="SearchQueryParser.Parse"/> over a mix of the query language (reported per query), with one
/// <see cref="MailAnalyzer"/> reused as SearchService reuses the index's.
/// </summary>
[MemoryDiagnoser]
public class QueryParsingBenchmarks
{
    private const int QueryCount = 14;

    private static readonly string[] Queries =
    [
        "invoice",
        "quarterly budget review",
        "\"Quarterly Budget Review\"",
        "from:alice.johnson@example.org",
        "from:alice subject:report",
        "to:\"Alice Johnson\" has:attachment",
        "subject:\"Café crème\" folder:INBOX",
        "folder:\"Archive/2022\" date:2024-01-01..2024-02-01",
        "after:2024-01-01 before:2024-02-01 meeting",
        "attachment:pdf from:@example.org",
        "subject:invoice OR subject:receipt",
        "(from:bob OR from:carol) -subject:newsletter",
        "project NOT (status OR weekly) after:2023-06-01",
        "source:Src_AbC1 body:Übersicht",
    ];

    private MailAnalyzer analyzer = null!;
    private SearchQueryParser parser = null!;

    [GlobalSetup]
    public void Setup()
    {
        if (Queries.Length != QueryCount)
        {
            throw new InvalidOperationException($"QueryCount is {QueryCount} but there are {Queries.Length} queries: per-query numbers would be wrong.");
        }

        analyzer = new MailAnalyzer();
        parser = new SearchQueryParser(analyzer, TimeProvider.System);
    }

    [Benchmark(OperationsPerInvoke = QueryCount)]
    public int Parse()
    {
        var highlights = 0;
        foreach (var query in Queries)
        {
            highlights += parser.Parse(query).HighlightTerms.Count;
        }

        return highlights;
    }

    [GlobalCleanup]
    public void Cleanup() => analyzer.Dispose();
}
