namespace Vault.Search.Querying;

public sealed record Snippet(string Text, IReadOnlyList<SnippetHighlight> Highlights)
{
    public static Snippet Empty { get; } = new(string.Empty, []);
}
