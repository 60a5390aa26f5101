using System.Collections.Specialized;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Quartz;
using Vault.Ingestion.Connections;
using Vault.Ingestion.Connectors;
using Vault.Ingestion.Credentials;
using Vault.Ingestion.Imap;
using Vault.Ingestion.Jobs;
using Vault.Ingestion.Sync;

namespace Vault.Ingestion;

public static class IngestionServiceCollectionExtensions
{
    /// <summary>The sync engine, its options (<c>Vault:Sync</c>), OAuth2 sign-in and tokens, the Quartz scheduler and the per-source jobs.</summary>
    public static IHostApplicationBuilder AddIngestion(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<SyncOptions>().BindConfiguration(SyncOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SyncOptions>, SyncOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<MailConnector>();
        services.TryAddSingleton(sp => new Errors.RetryPolicy(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IMailCredentialProvider, StoredCredentials>();
        services.AddSingleton<OAuth.OAuthClients>();
        services.AddSingleton<OAuth.OAuthTokenEndpoint>();
        services.AddSingleton<OAuth.OAuthAccessTokens>();
        services.AddSingleton<OAuth.OAuthSignIns>();
        services.AddSingleton<ConnectorBudgets>();
        services.AddSingleton<SyncMetrics>();
        services.AddSingleton<ImportSlots>();
        services.AddSingleton<InFlightBudget>();
        services.AddSingleton<ImapFolderSynchronizer>();
        services.AddSingleton<Files.FileImporter>();
        services.AddSingleton<IProtocolSynchronizer, ImapSourceSynchronizer>();
        services.AddSingleton<IProtocolSynchronizer, Files.FileSourceSynchronizer>();
        services.AddSingleton<IProtocolSynchronizer, Pop3.Pop3SourceSynchronizer>();
        services.AddSingleton<SourceSynchronizer>();
        services.AddSingleton<SourceJobRegistry>();
        services.AddSingleton<ISourceRunner, QuartzSourceRunner>();
        services.AddSingleton<Sources.SourceLifecycle>();
        services.AddSingleton<ConnectorLifecycle>();
        services.AddOptions<Integrity.IntegrityOptions>().BindConfiguration(Integrity.IntegrityOptions.SectionName);
        services.AddSingleton<Integrity.IntegrityChecker>();
        services.AddSingleton<Integrity.VerifyRunner>();
        services.AddOptions<Restore.RestoreOptions>().BindConfiguration(Restore.RestoreOptions.SectionName);
        services.AddSingleton<Restore.RestoreSelection>(sp => new(sp.GetService<Search.Searching.SearchService>()));
        services.AddSingleton<Restore.RestoreLogin>();
        services.AddSingleton<Restore.MailboxRestorer>();
        services.AddSingleton<Restore.RestoreRunner>();

        // Quartz keeps schedulers in a process-wide repository by name: each host gets its own, so several hosts in
        // one process (the API tests) never pick up another's scheduler, nor one that host has already shut down.
        // A stop cancels every job that runs (a restore waiting to retry, a verify) and then waits for it. Without the
        // interrupt, Quartz waited for a restore's retry until the host gave up on it, and the restore ran on inside
        // the process next to the one the next start resumed: two runs appending the same messages.
        var properties = new NameValueCollection
        {
            ["quartz.scheduler.instanceName"] = $"vault-{Guid.NewGuid():N}",
            ["quartz.scheduler.interruptJobsOnShutdownWithWait"] = "true",
        };
        services.AddQuartz(properties, quartz =>
        {
            quartz.UseTimeProvider(TimeProvider.System);
            // Quartz's pool is a semaphore over async jobs (TaskSchedulingThreadPool): a source's job that awaits IDLE
            // or its next poll holds a slot but no thread. The default of 10 slots left the 11th source Importing
            // 0/0 forever, so the pool is sized to never be what limits sources; the limits that matter (imports at
            // once, connections) are Vault's own and show on the source when they make it wait.
            quartz.UseDefaultThreadPool(pool => pool.MaxConcurrency = QuartzSourceRunner.MaxRunningJobs);
        });
        services.AddQuartzHostedService(q => q.WaitForJobsToComplete = true);

        // After the Quartz hosted service, so it stops first and interrupts the jobs Quartz would wait for.
        services.AddHostedService<SourceJobsHostedService>();
        services.AddHostedService<Integrity.IntegritySchedule>();
        services.AddHostedService<Restore.RestoreResumption>();
        return builder;
    }
}
