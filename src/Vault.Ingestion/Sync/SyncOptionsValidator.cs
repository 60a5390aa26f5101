using Microsoft.Extensions.Options;

namespace Vault.Ingestion.Sync;

/// <summary>Rejects durations the engine cannot honour, at startup rather than at the first sync.</summary>
public sealed class SyncOptionsValidator : IValidateOptions<SyncOptions>
{
    public ValidateOptionsResult Validate(string? name, SyncOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.PollInterval <= TimeSpan.Zero)
        {
            failures.Add("Vault:Sync:PollInterval must be positive.");
        }

        if (options.IdleRefresh <= TimeSpan.Zero || options.IdleRefresh >= SyncOptions.MaxIdleRefresh)
        {
            failures.Add("Vault:Sync:IdleRefresh must be positive and below 29 minutes (RFC 2177 §3).");
        }

        if (options.MaxConnectionsPerSource < 1 || options.MaxConcurrentImports < 1 || options.BatchMaxMessages < 1 || options.BatchMaxBytes < 1 || options.MaxFetchAttempts < 1)
        {
            failures.Add("Vault:Sync:MaxConnectionsPerSource, MaxConcurrentImports, BatchMaxMessages, BatchMaxBytes and MaxFetchAttempts must be at least 1.");
        }

        if (options.MaxInFlightBytes < options.LargeMessageBytes || options.LargeMessageBytes < 64 * 1024)
        {
            failures.Add("Vault:Sync:LargeMessageBytes must be at least 64 KiB, and Vault:Sync:MaxInFlightBytes at least that.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
