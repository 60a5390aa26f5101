using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Vault.Ingestion.OAuth;

/// <summary>
/// The provider's token endpoint (RFC 6749 §4.1.3 code redemption with the PKCE verifier of RFC 7636 §4.5, §6 refresh),
/// client authentication in the form body (client_secret_post, which Google and Microsoft both take). A refusal with an
/// OAuth error becomes <see cref="OAuthTokenException"/> with that error; a 5xx, a 429, a timeout or no connection at all
/// is transient. Nothing of a request or a response is logged here.
/// </summary>
public sealed class OAuthTokenEndpoint : IDisposable
{
    /// <summary>Neither provider's documented lifetime is shorter; a response without expires_in is treated as this.</summary>
    private static readonly TimeSpan AssumedLifetime = TimeSpan.FromMinutes(30);

    private readonly HttpClient _http;

    public OAuthTokenEndpoint()
        : this(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
    }

    public OAuthTokenEndpoint(HttpMessageHandler handler)
    {
        _http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    public Task<OAuthTokens> RedeemCodeAsync(OAuthClientConfiguration client, string code, string codeVerifier, string redirectUri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var form = Form(client,
            new("grant_type", "authorization_code"),
            new("code", code),
            new("redirect_uri", redirectUri),
            new("code_verifier", codeVerifier));
        return RequestAsync(client, form, [code, codeVerifier], cancellationToken);
    }

    public Task<OAuthTokens> RefreshAsync(OAuthClientConfiguration client, string refreshToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var fields = new List<KeyValuePair<string, string>> { new("grant_type", "refresh_token"), new("refresh_token", refreshToken) };
        if (client.Provider == Archive.OAuth.OAuthProvider.Microsoft)
        {
            // Microsoft's v2 refresh wants the scopes again (a subset of those consented to); Google takes none.
            fields.Add(new("scope", string.Join(' ', client.Scopes)));
        }

        return RequestAsync(client, Form(client, [.. fields]), [refreshToken], cancellationToken);
    }

    private static List<KeyValuePair<string, string>> Form(OAuthClientConfiguration client, params KeyValuePair<string, string>[] fields)
    {
        var form = new List<KeyValuePair<string, string>>(fields) { new("client_id", client.ClientId) };
        if (!string.IsNullOrEmpty(client.ClientSecret))
        {
            form.Add(new("client_secret", client.ClientSecret));
        }

        return form;
    }

    private async Task<OAuthTokens> RequestAsync(OAuthClientConfiguration client, List<KeyValuePair<string, string>> form, string[] secrets, CancellationToken cancellationToken)
    {
        string[] hidden = [.. secrets, .. client.ClientSecret is { Length: > 0 } secret ? [secret] : Array.Empty<string>()];
        HttpResponseMessage response;
        string body;
        try
        {
            using var content = new FormUrlEncodedContent(form);
            response = await _http.PostAsync(client.TokenUrl, content, cancellationToken);
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new OAuthTokenException($"{client.Profile.Name}'s token endpoint ({client.TokenUrl.Host}) could not be reached: {e.HttpRequestError}.", null, null, null, transient: true, e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new OAuthTokenException($"{client.Profile.Name}'s token endpoint ({client.TokenUrl.Host}) did not answer within {_http.Timeout.TotalSeconds:0} seconds.", null, null, null, transient: true, e);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            using var json = TryParse(body);
            if (response.IsSuccessStatusCode && json?.RootElement.TryGetProperty("access_token", out var accessToken) == true && accessToken.ValueKind == JsonValueKind.String)
            {
                var root = json.RootElement;
                return new OAuthTokens(
                    accessToken.GetString()!,
                    root.TryGetProperty("refresh_token", out var refresh) && refresh.ValueKind == JsonValueKind.String ? refresh.GetString() : null,
                    ExpiresIn(root),
                    root.TryGetProperty("scope", out var scope) && scope.ValueKind == JsonValueKind.String
                        ? scope.GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                        : null);
            }

            var error = json is not null && json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            var description = json is not null && json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("error_description", out var d) && d.ValueKind == JsonValueKind.String ? Redact(d.GetString()!, hidden) : null;
            var transient = status >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests || error is "temporarily_unavailable" or "server_error";
            if (error is null)
            {
                throw new OAuthTokenException(
                    response.IsSuccessStatusCode
                        ? $"{client.Profile.Name}'s token endpoint answered without an access token."
                        : $"{client.Profile.Name}'s token endpoint answered HTTP {status} {response.ReasonPhrase}.",
                    null, null, status, transient || response.IsSuccessStatusCode);
            }

            throw new OAuthTokenException($"{client.Profile.Name} refused the token request ({error}).", error, description, status, transient);
        }
    }

    private static TimeSpan ExpiresIn(JsonElement root)
    {
        if (root.TryGetProperty("expires_in", out var value))
        {
            // RFC 6749 says a number; some servers send it as a string.
            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds) && seconds > 0)
            {
                return TimeSpan.FromSeconds(seconds);
            }

            if (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out seconds) && seconds > 0)
            {
                return TimeSpan.FromSeconds(seconds);
            }
        }

        return AssumedLifetime;
    }

    private static JsonDocument? TryParse(string body)
    {
        try
        {
            return body.Length == 0 ? null : JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A provider that echoes what it was sent must not carry a secret into an error shown to a person.</summary>
    private static string Redact(string text, string[] secrets)
    {
        foreach (var secret in secrets.Where(s => s.Length >= 4))
        {
            text = text.Replace(secret, "[redacted]", StringComparison.Ordinal);
        }

        return text.Length > 300 ? text[..300] + "…" : text;
    }

    public void Dispose() => _http.Dispose();
}
