using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Util;
using Vault.Search.Analysis;
using Vault.Search.Documents;

namespace Vault.Search.Tests.Analysis;

/// <summary>
/// The index writer's analyzer must index exactly what Lucene's own StringField, Int64Field and LowerCaseFilter index,
/// so an index written before it and one written with it answer the same queries.
/// </summary>
public sealed class IndexAnalyzerTests
{
    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(-1L)]
    [InlineData(1_700_000_000_123L)]
    [InlineData(-62_135_596_800_000L)]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    public void Numeric_field_terms_are_those_of_an_Int64Field(long value)
    {
        using var analyzer = new IndexAnalyzer();
        var expected = Terms(new Int64Field(SearchFields.Date, value, Field.Store.NO).GetTokenStream(analyzer));

        var document = new Document();
        IndexFields.AddInt64(document, SearchFields.Date, value);
        var indexed = document.GetFields(SearchFields.Date).Single(f => f.IndexableFieldType.IsIndexed);
        var actual = Terms(indexed.GetTokenStream(analyzer));

        Assert.Equal(16, expected.Count);
        Assert.Equal(expected, actual);
        Assert.Equal(value, document.GetField(SearchFields.Date).GetInt64Value());
    }

    [Fact]
    public void Keyword_field_is_one_exact_term_like_a_StringField()
    {
        using var analyzer = new IndexAnalyzer();
        const string value = "Mixed Case <Id@Example.ORG> with spaces";
        var expected = Terms(new StringField(SearchFields.Id, value, Field.Store.YES).GetTokenStream(analyzer));

        var actual = Terms(IndexFields.Keyword(SearchFields.Id, value, Field.Store.YES).GetTokenStream(analyzer));

        Assert.Equal(expected, actual);
        Assert.Equal([value], actual.Select(t => t.Utf8ToString()));
    }

    [Fact]
    public void A_field_not_listed_as_keyword_is_refused()
    {
        Assert.Throws<ArgumentException>(() => IndexFields.Keyword(SearchFields.Body, "text", Field.Store.NO));
        Assert.Throws<ArgumentException>(() => IndexFields.AddInt64(new Document(), SearchFields.Subject, 1));
    }

    [Theory]
    [InlineData("Hello WORLD mixed Case 123 A-Z@[]`{}")]
    [InlineData("Übersicht ÜBERSICHT straße İstanbul ΣΊΣΥΦΟΣ Ⅻ")]
    [InlineData("ASCII then Ünïcödé: ABCÄÖÜdef")]
    [InlineData("𐐀𐐁 DESERET surrogate pairs 𝐀𝐁")]
    public void Text_is_lower_cased_as_by_Lucenes_LowerCaseFilter(string text)
    {
        using var analyzer = new IndexAnalyzer();
        var expected = Terms(Lucene(text));

        var actual = Terms(analyzer.GetTokenStream(SearchFields.Body, text));

        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }

    private static TokenStream Lucene(string text)
    {
        var tokenizer = new StandardTokenizer(MailAnalyzer.Version, new StringReader(text)) { MaxTokenLength = 128 };
        return new ASCIIFoldingFilter(new LowerCaseFilter(MailAnalyzer.Version, tokenizer));
    }

    private static List<BytesRef> Terms(TokenStream stream)
    {
        var terms = new List<BytesRef>();
        using (stream)
        {
            var bytes = stream.GetAttribute<ITermToBytesRefAttribute>();
            stream.Reset();
            while (stream.IncrementToken())
            {
                bytes.FillBytesRef();
                terms.Add(BytesRef.DeepCopyOf(bytes.BytesRef));
            }

            stream.End();
        }

        return terms;
    }
}
