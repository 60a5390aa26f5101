namespace Vault.Search.QueryLanguage;

/// <summary>A query the parser cannot read; <see cref="Position"/> is the 0-based character offset of the problem.</summary>
public sealed class SearchQueryException : Exception
{
    public SearchQueryException()
    {
    }

    public SearchQueryException(string message)
        : base(message)
    {
    }

    public SearchQueryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SearchQueryException(string message, int position)
        : base(message)
    {
        Position = position;
    }

    public int Position { get; }
}
