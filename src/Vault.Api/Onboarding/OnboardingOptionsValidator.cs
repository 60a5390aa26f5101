using Microsoft.Extensions.Options;
using Vault.Ingestion.Onboarding;

namespace Vault.Api.Onboarding;

/// <summary>Checked at start: links must point at an absolute http(s) address.</summary>
public sealed class OnboardingOptionsValidator : IValidateOptions<OnboardingOptions>
{
    public ValidateOptionsResult Validate(string? name, OnboardingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.PublicUrl is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp) || !string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment)))
        {
            failures.Add($"Vault:PublicUrl is '{url}'; it must be an absolute http or https address without query or fragment (e.g. https://archive.example.org).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
