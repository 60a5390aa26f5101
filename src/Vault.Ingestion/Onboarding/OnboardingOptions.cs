namespace Vault.Ingestion.Onboarding;

/// <summary>The <c>Vault</c> keys that self-service links use besides <c>Vault:Smtp</c>.</summary>
public sealed class OnboardingOptions
{
    public const string SectionName = "Vault";

    /// <summary>
    /// The address mailbox owners reach Vault at (<c>https://archive.example.org</c>, a path allowed); links are
    /// <c>{PublicUrl}/onboard/{token}</c>. Unset: the scheme and host of the administrator's own request, which is right
    /// when owners reach Vault the way the administrator does, and wrong behind a reverse proxy that rewrites the host.
    /// </summary>
    public Uri? PublicUrl { get; set; }

    /// <summary>Who asks: named in the invitation email and on the owner's page. Unset: "Your administrator".</summary>
    public string? Organisation { get; set; }
}
