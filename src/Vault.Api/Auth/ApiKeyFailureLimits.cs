namespace Vault.Api.Auth;

/// <summary>How many wrong or missing API keys one client address may send per window before it is answered 429.</summary>
public sealed class ApiKeyFailureLimits
{
    public int FailuresPerWindow { get; set; } = 10;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
