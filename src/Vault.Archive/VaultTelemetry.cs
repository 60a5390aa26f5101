using System.Diagnostics;

namespace Vault.Archive;

/// <summary>The names under which Vault's own metrics and spans are published.</summary>
public static class VaultTelemetry
{
    public const string MeterName = "Vault";
    public const string ActivitySourceName = "Vault";

    public static ActivitySource ActivitySource { get; } = new(ActivitySourceName);
}
