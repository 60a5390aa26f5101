namespace Vault.Ingestion.Providers;

/// <summary>
/// Guesses the provider of a mailbox from its address, for the owner's page of a self-service link: the big providers'
/// own domains (gmail.com, outlook.com, yahoo.co.uk, ...); otherwise the provider of the connector's server, if any.
/// </summary>
public static class AddressProviders
{
    private static readonly Dictionary<string, ProviderPreset> Exact = new(StringComparer.OrdinalIgnoreCase)
    {
        ["gmail.com"] = ProviderPresets.Gmail,
        ["googlemail.com"] = ProviderPresets.Gmail,
        ["msn.com"] = ProviderPresets.Outlook,
        ["ymail.com"] = ProviderPresets.Yahoo,
        ["rocketmail.com"] = ProviderPresets.Yahoo,
        ["icloud.com"] = ProviderPresets.ICloud,
        ["me.com"] = ProviderPresets.ICloud,
        ["mac.com"] = ProviderPresets.ICloud,
        ["zohomail.com"] = ProviderPresets.Zoho,
        ["web.de"] = ProviderPresets.Gmx,
        ["ya.ru"] = ProviderPresets.Yandex,
    };

    /// <summary>Brands whose domain exists under many country endings: yahoo.fr, hotmail.co.uk, gmx.de, yandex.ru.</summary>
    private static readonly Dictionary<string, ProviderPreset> Brands = new(StringComparer.OrdinalIgnoreCase)
    {
        ["outlook"] = ProviderPresets.Outlook,
        ["hotmail"] = ProviderPresets.Outlook,
        ["live"] = ProviderPresets.Outlook,
        ["yahoo"] = ProviderPresets.Yahoo,
        ["fastmail"] = ProviderPresets.Fastmail,
        ["gmx"] = ProviderPresets.Gmx,
        ["zoho"] = ProviderPresets.Zoho,
        ["yandex"] = ProviderPresets.Yandex,
    };

    /// <summary>The provider of <paramref name="email"/>, else the one <paramref name="serverHost"/> belongs to, else null.</summary>
    public static ProviderPreset? Guess(string email, string serverHost)
    {
        ArgumentNullException.ThrowIfNull(email);
        var domain = email[(email.LastIndexOf('@') + 1)..].Trim().TrimEnd('.');
        if (Exact.TryGetValue(domain, out var exact))
        {
            return exact;
        }

        // "brand.tld" or "brand.co.uk" / "brand.com.au": the brand then at most two short labels of a country ending.
        var labels = domain.Split('.');
        if (labels.Length is 2 or 3 && Brands.TryGetValue(labels[0], out var brand) && labels.Skip(1).All(l => l.Length is >= 2 and <= 3))
        {
            return brand;
        }

        return ProviderPresets.Recognize(new Archive.Sources.SourceSettings { Name = serverHost, Host = serverHost, Username = email });
    }
}
