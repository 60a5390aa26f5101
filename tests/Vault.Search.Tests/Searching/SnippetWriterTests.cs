using Vault.Search.Analysis;
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
}
