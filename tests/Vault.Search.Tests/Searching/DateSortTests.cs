using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Vault.Search.Analysis;
using Vault.Search.Documents;
using Vault.Search.Searching;

namespace Vault.Search.Tests.Searching;

public sealed class DateSortTests
{
    /// <summary>
    /// Several segments, equal dates, a message without a date, deletions, a page that starts after the first: the order
    /// is Lucene's own sort on the doc values, newest and oldest first.
    /// </summary>
    [Fact]
    public void Orders_as_Lucenes_own_sort_on_the_date_doc_values()
    {
        var random = new Random(7);
        using var directory = new RAMDirectory();
        using var writer = new IndexWriter(directory, new IndexWriterConfig(MailAnalyzer.Version, new MailAnalyzer()) { MergePolicy = NoMergePolicy.NO_COMPOUND_FILES });
        for (var segment = 0; segment < 4; segment++)
        {
            for (var i = 0; i < 300; i++)
            {
                var document = new Document { new StringField(SearchFields.Id, $"{segment}-{i}", Field.Store.YES) };
                if (i % 97 != 5)
                {
                    // Few distinct dates, so ties are common.
                    document.Add(new NumericDocValuesField(SearchFields.Date, 1_600_000_000_000L + random.Next(50) * 86_400_000L));
                }

                writer.AddDocument(document);
            }

            writer.Commit();
        }

        writer.DeleteDocuments(new Term(SearchFields.Id, "2-10"), new Term(SearchFields.Id, "0-0"));
        writer.Commit();
        using var reader = DirectoryReader.Open(directory);
        Assert.True(reader.Leaves.Count >= 4);
        var searcher = new IndexSearcher(reader);
        foreach (var newestFirst in new[] { true, false })
        {
            foreach (var wanted in new[] { 1, 20, 1500 })
            {
                var lucene = searcher.Search(new MatchAllDocsQuery(), wanted, new Sort(new SortField(SearchFields.Date, SortFieldType.INT64, newestFirst)));
                var ours = searcher.Search(new MatchAllDocsQuery(), wanted, DateSort.By(newestFirst));
                Assert.Equal(lucene.TotalHits, ours.TotalHits);
                Assert.Equal(lucene.ScoreDocs.Select(d => d.Doc), ours.ScoreDocs.Select(d => d.Doc));
            }
        }
    }
}
