using System.Text;
using System.Text.RegularExpressions;
using Lucene.Net.Analysis.TokenAttributes;
using Vault.Search.Analysis;
using Vault.Search.Documents;
using Vault.Search.Searching;

namespace Vault.Search.Tests.Searching;

public sealed class SnippetWriterTests
{
    private readonly SnippetWriter _writer = new(new MailAnalyzer());

    [Fact]
    public void Snippet_marks_the_first_match_folded_like_the_index()
    {
        var text = string.Concat(Enumerable.Repeat("filler words here ", 20)) + "we met in Zürich\n\nfor the Quarterly   Budget review today " + string.Concat(Enumerable.Repeat("more text ", 40));
        var snippet = _writer.Find(text, [["zurich"], ["quarterly", "budget", "review"]])!;
        Assert.StartsWith("…", snippet.Text, StringComparison.Ordinal);
        Assert.EndsWith("…", snippet.Text, StringComparison.Ordinal);
        Assert.InRange(snippet.Text.Length, 100, SnippetWriter.Width + 40);
        Assert.Equal(["Zürich", "Quarterly Budget review"], snippet.Highlights.Select(h => snippet.Text.Substring(h.Start, h.Length)));
    }

    [Fact]
    public void A_match_deep_in_a_long_text_is_found_with_offsets_in_the_snippet()
    {
        var text = string.Concat(Enumerable.Repeat("zurichx filler ", 5000)) + "then STRASSE and Ärger end";
        var snippet = _writer.Find(text, [["arger"], ["strasse"]])!;
        Assert.Equal(["STRASSE", "Ärger"], snippet.Highlights.Select(h => snippet.Text.Substring(h.Start, h.Length)));
    }

    [Fact]
    public void No_match_gives_null_and_the_leading_text_is_cut_at_a_word()
    {
        var text = string.Concat(Enumerable.Repeat("alpha beta ", 40));
        Assert.Null(_writer.Find(text, [["gamma"]]));
        var leading = SnippetWriter.Leading(text);
        Assert.StartsWith("alpha beta", leading.Text, StringComparison.Ordinal);
        Assert.EndsWith(" …", leading.Text.Replace("a…", "a …", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.True(leading.Text.Length <= SnippetWriter.Width + 1);
    }

    [Fact]
    public void In_ASCII_text_a_word_inside_a_longer_word_is_no_match()
    {
        var text = string.Concat(Enumerable.Repeat("we updated the UPDATES page ", 30));
        Assert.Null(_writer.Find(text, [["update"]]));
        var snippet = _writer.Find(text + "and one more Update here", [["update"]])!;
        Assert.Equal(["Update"], snippet.Highlights.Select(h => snippet.Text.Substring(h.Start, h.Length)));
    }

    /// <summary>
    /// ASCII text skips the analyzer up to the first place a query word occurs (or entirely, where none does). Random
    /// ASCII texts, with words that occur only inside others, in other case, in addresses and links, and prefixes: the
    /// first highlight is always the analyzer's own first match over the whole text, and null exactly when it has none.
    /// </summary>
    [Fact]
    public void In_ASCII_text_the_first_highlight_is_the_analyzers_first_match()
    {
        string[] words =
        [
            "update", "updated", "Update", "UPDATES", "re-update", "update_now", "budget", "Budgets", "o'neil", "don't",
            "e-mail", "user@update.example", "http://example.com/update?x=1", "v2.0", "3.14", "x", "the", "an", "review",
            "quarterly", "Quarterly", "zanzibarite", "ZANZIBARITE.", "(budget)", "\"review\"", "a.b.c", "12:30", "#tag",
        ];
        string[] separators = [" ", " ", " ", "\n", "\r\n", ", ", ". ", "  ", "\t", "-", "/", "_", ""];
        var random = new Random(20261130);
        var analyzer = new MailAnalyzer();
        var found = 0;
        for (var round = 0; round < 400; round++)
        {
            var text = new StringBuilder();
            var count = random.Next(3, random.Next(2) == 0 ? 60 : 2500);
            for (var i = 0; i < count; i++)
            {
                text.Append(words[random.Next(words.Length)]).Append(separators[random.Next(separators.Length)]);
            }

            var tokens = Tokens(analyzer, text.ToString());
            IReadOnlyList<IReadOnlyList<string>> terms = Enumerable.Range(0, random.Next(1, 3)).Select(_ => Term(random, tokens)).ToList();
            var expected = FirstMatch(tokens, terms);
            var snippet = _writer.Find(text.ToString(), terms);
            if (expected is not { } match)
            {
                Assert.Null(snippet);
                continue;
            }

            found++;
            Assert.NotNull(snippet);
            var highlight = snippet.Highlights[0];
            Assert.Equal(
                Regex.Replace(text.ToString(match.Start, match.End - match.Start), @"\s+", " "),
                snippet.Text.Substring(highlight.Start, highlight.Length));
        }

        // Both sides of the question were asked.
        Assert.InRange(found, 100, 350);
    }

    private static List<(string Word, int Start, int End)> Tokens(MailAnalyzer analyzer, string text)
    {
        var tokens = new List<(string, int, int)>();
        using var stream = analyzer.GetTokenStream(SearchFields.Body, text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        var offset = stream.AddAttribute<IOffsetAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            tokens.Add((term.ToString(), offset.StartOffset, offset.EndOffset));
        }

        stream.End();
        return tokens;
    }

    /// <summary>A word or two-word phrase of the text's own words (or a prefix of one), or a word it may not hold.</summary>
    private static List<string> Term(Random random, List<(string Word, int Start, int End)> tokens)
    {
        if (tokens.Count == 0 || random.Next(4) == 0)
        {
            return [random.Next(2) == 0 ? "updat" : "nowhere"];
        }

        var at = random.Next(tokens.Count);
        return random.Next(3) switch
        {
            0 when at + 1 < tokens.Count => [tokens[at].Word, tokens[at + 1].Word],
            1 when tokens[at].Word.Length > 2 => [tokens[at].Word[..2] + "*"],
            _ => [tokens[at].Word],
        };
    }

    /// <summary>The analyzer's first match over the whole text, as the writer counts it: the first word that ends a query word or phrase.</summary>
    private static (int Start, int End)? FirstMatch(List<(string Word, int Start, int End)> tokens, IReadOnlyList<IReadOnlyList<string>> terms)
    {
        for (var end = 0; end < tokens.Count; end++)
        {
            foreach (var words in terms)
            {
                var start = end - words.Count + 1;
                if (start >= 0 && words.Select((w, k) => w.EndsWith('*')
                        ? tokens[start + k].Word.StartsWith(w[..^1], StringComparison.Ordinal)
                        : tokens[start + k].Word == w).All(m => m))
                {
                    return (tokens[start].Start, tokens[end].End);
                }
            }
        }

        return null;
    }
}
