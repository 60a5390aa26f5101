using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Util;

namespace Vault.Search.Analysis;

/// <summary>
/// The one analyzer used at index and at query time: Unicode word boundaries (UAX #29, StandardTokenizer's words through
/// <see cref="MailTokenizer"/>), lower case,
/// accents folded to ASCII, so "Übersicht", "ubersicht" and "UBERSICHT" are the same word.
/// </summary>
public sealed class MailAnalyzer : Analyzer
{
    public static LuceneVersion Version => LuceneVersion.LUCENE_48;

    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
    {
        var (tokenizer, stream) = CreateChain(reader);
        return new TokenStreamComponents(tokenizer, stream);
    }

    /// <summary>The tokenizer and filters on their own, for a token stream that analyzes several texts in turn.</summary>
    internal static (Tokenizer Source, TokenStream Result) CreateChain(TextReader reader)
    {
        var tokenizer = new MailTokenizer(reader);
        TokenStream stream = new MailLowerCaseFilter(tokenizer);
        stream = new ASCIIFoldingFilter(stream);
        return (tokenizer, stream);
    }
}
