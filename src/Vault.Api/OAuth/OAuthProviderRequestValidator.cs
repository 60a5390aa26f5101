using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Vault.Ingestion.OAuth;

namespace Vault.Api.OAuth;

/// <summary>The field rules of <c>PUT /api/oauth/providers/{provider}</c>, each under its camelCase field name.</summary>
public static partial class OAuthProviderRequestValidator
{
    public static Dictionary<string, string[]> Validate(OAuthProviderProfile profile, OAuthProviderRequest request)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.ClientId))
        {
            errors["clientId"] = [$"The client id of Vault's app registration at {profile.Name} is required."];
        }
        else if (request.ClientId.Length > 500 || request.ClientId.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            errors["clientId"] = ["A client id is at most 500 characters, without spaces."];
        }

        if (request.ClientSecret is { Length: > 2000 } || request.ClientSecret?.Any(char.IsControl) == true)
        {
            errors["clientSecret"] = ["A client secret is at most 2,000 characters, without control characters."];
        }

        if (request.Tenant is not null)
        {
            if (!profile.HasTenant)
            {
                errors["tenant"] = [$"{profile.Name} has no tenants; leave the tenant out."];
            }
            else if (!TenantPattern().IsMatch(request.Tenant))
            {
                errors["tenant"] = ["The tenant is common, organizations, consumers, a tenant id (a GUID) or a domain such as contoso.onmicrosoft.com."];
            }
        }

        CheckUrl(errors, "authorizeUrl", request.AuthorizeUrl);
        CheckUrl(errors, "tokenUrl", request.TokenUrl);
        if (request.Scopes is { } scopes && !TryReadScopes(scopes, out _))
        {
            errors["scopes"] = ["Scopes are a space-separated string (or an array of strings) of at least one scope, each without spaces or quotes."];
        }

        return errors;
    }

    /// <summary>Null (left out, or JSON null) means the defaults.</summary>
    public static bool TryReadScopes(JsonElement element, out IReadOnlyList<string>? scopes)
    {
        scopes = null;
        string[] values;
        switch (element.ValueKind)
        {
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return true;
            case JsonValueKind.String:
                values = element.GetString()!.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                break;
            case JsonValueKind.Array when element.EnumerateArray().All(item => item.ValueKind == JsonValueKind.String):
                values = [.. element.EnumerateArray().Select(item => item.GetString()!.Trim()).Where(item => item.Length > 0)];
                break;
            default:
                return false;
        }

        if (values.Length == 0 || values.Any(scope => scope.Length > 500 || scope.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '"' or '\\')))
        {
            return false;
        }

        scopes = values.Distinct(StringComparer.Ordinal).ToList();
        return true;
    }

    /// <summary>An endpoint URL: absolute https, or http for a loopback host only (a provider in a test, or a local proxy).</summary>
    public static Uri? ParseUrl(string? text) =>
        !string.IsNullOrWhiteSpace(text) && Uri.TryCreate(text.Trim(), UriKind.Absolute, out var url) && url.Fragment.Length == 0 &&
        (url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && (url.IsLoopback || IPAddress.TryParse(url.Host, out var ip) && IPAddress.IsLoopback(ip))))
            ? url
            : null;

    private static void CheckUrl(Dictionary<string, string[]> errors, string field, string? text)
    {
        if (text is not null && ParseUrl(text) is null)
        {
            errors[field] = ["An absolute https URL without a fragment (http only for a loopback host); leave it out for the provider's default."];
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,98}[A-Za-z0-9])?$")]
    private static partial Regex TenantPattern();
}
