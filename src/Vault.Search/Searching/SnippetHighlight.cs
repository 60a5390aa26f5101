namespace Vault.Search.Searching;

/// <summary>Where a match sits in a snippet: UTF-16 offset and length, for the UI to mark.</summary>
public sealed record SnippetHighlight(int Start, int Length);
