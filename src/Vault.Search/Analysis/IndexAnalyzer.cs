using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Core;
using Vault.Search.Documents;

namespace Vault.Search.Analysis;

/// <summary>
/// The analyzer of the index writer (queries use <see cref="MailAnalyzer"/>, the same chain for text). Keyword fields
/// (<see cref="IndexFields.Keyword"/>) become one exact token, the numeric ones (<see cref="IndexFields.Int64"/>) the
/// prefix-coded terms a NumericRangeQuery looks for, text fields go through <see cref="MailAnalyzer"/>'s chain.
/// Why not Lucene's StringField and Int64Field: Lucene.NET builds a new token stream, with its attributes, for every such
/// field instance, which was about a third of the index writer's time in the profile (README, Benchmark); an analyzer
/// keeps one token stream per field and thread and reuses it.
/// </summary>
public sealed class IndexAnalyzer : Analyzer
{
    public IndexAnalyzer()
        : base(PER_FIELD_REUSE_STRATEGY)
    {
    }

    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
    {
        if (IndexFields.IsKeyword(fieldName))
        {
            return new TokenStreamComponents(new KeywordTokenizer(reader));
        }

        if (IndexFields.IsInt64(fieldName))
        {
            return new TokenStreamComponents(new Int64PrefixTokenizer(reader));
        }

        var (tokenizer, stream) = MailAnalyzer.CreateChain(reader);
        return new TokenStreamComponents(tokenizer, stream);
    }
}
