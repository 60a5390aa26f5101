namespace Vault.Ingestion.OAuth;

/// <summary>
/// The token endpoint refused (an OAuth <see cref="Error"/> such as <c>invalid_grant</c>, RFC 6749 §5.2) or could not be
/// reached (<see cref="Error"/> null, <see cref="Transient"/>). <see cref="Description"/> is the provider's own text with
/// any secret of the request taken out.
/// </summary>
public sealed class OAuthTokenException : Exception
{
    public OAuthTokenException()
    {
    }

    public OAuthTokenException(string message)
        : base(message)
    {
    }

    public OAuthTokenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public OAuthTokenException(string message, string? error, string? description, int? statusCode, bool transient, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
        Description = description;
        StatusCode = statusCode;
        Transient = transient;
    }

    public string? Error { get; }

    public string? Description { get; }

    public int? StatusCode { get; }

    public bool Transient { get; }

    /// <summary>"invalid_grant: Token has been expired or revoked." or the HTTP failure, for <c>serverResponse</c>.</summary>
    public string ProviderWords => Error is null ? Message : Description is null ? Error : $"{Error}: {Description}";
}
