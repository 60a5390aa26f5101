using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Vault.Api.Export;

/// <summary>
/// Short-lived, single-use download tokens, so that the browser itself downloads an export: it streams to disk with its
/// own progress and nothing is held in the page, which a fetch into a Blob would do for the whole file. The dashboard
/// asks for a link with its API key (a Bearer header) and navigates to it; the key never appears in a URL. A token is
/// 256 random bits, good for <see cref="Lifetime"/> and one request, and names one export only. Tokens live in this
/// process: with several Vault instances behind one address the link must reach the instance that made it.
/// </summary>
public sealed class DownloadLinks(TimeProvider timeProvider)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, (ExportRequest Request, DateTimeOffset ExpiresAt)> _links = new(StringComparer.Ordinal);

    public (string Token, DateTimeOffset ExpiresAt) Create(ExportRequest request)
    {
        var now = timeProvider.GetUtcNow();
        foreach (var (token, link) in _links)
        {
            if (link.ExpiresAt <= now)
            {
                _links.TryRemove(token, out _);
            }
        }

        var created = Base64Url(RandomNumberGenerator.GetBytes(32));
        var expiresAt = now + Lifetime;
        _links[created] = (request, expiresAt);
        return (created, expiresAt);
    }

    /// <summary>The export behind the token, once: the token is gone after this, whether it was still valid or not.</summary>
    public ExportRequest? Redeem(string token) =>
        _links.TryRemove(token, out var link) && link.ExpiresAt > timeProvider.GetUtcNow() ? link.Request : null;

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
