namespace Vault.Search.Searching;

public sealed record Snippet(string Text, IReadOnlyList<SnippetHighlight> Highlights)
{
    public static Snippet Empty { get; } = new(string.Empty, []);
}
