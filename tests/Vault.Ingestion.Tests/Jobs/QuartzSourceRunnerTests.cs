using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Quartz;
using Vault.Archive.Sources;
using Vault.Ingestion.Jobs;
using Vault.Ingestion.Tests.Sync;
using Vault.TestSupport;

namespace Vault.Ingestion.Tests.Jobs;

public sealed class QuartzSourceRunnerTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Stop_interrupts_a_running_import_within_two_seconds_and_start_resumes_it()
    {
        await using var harness = await SyncHarness.CreateAsync("quartz", o => o.BatchMaxMessages = 50, cancellationToken: Token);
        var corpus = await TestDovecot.RunGeneratorAsync(2000, 42, Token);
        await harness.Dovecot.FillFromMaildirAsync(harness.User, corpus.Maildir, Token);

        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton(harness.CreateSynchronizer());
        services.AddSingleton<SourceJobRegistry>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ISourceRunner, QuartzSourceRunner>();
        services.AddQuartz();
        await using var provider = services.BuildServiceProvider();
        var scheduler = await provider.GetRequiredService<ISchedulerFactory>().GetScheduler(Token);
        await scheduler.Start(Token);
        var runner = provider.GetRequiredService<ISourceRunner>();
        var registry = provider.GetRequiredService<SourceJobRegistry>();
        try
        {
            await runner.StartAsync(harness.SourceId, Token);
            await runner.StartAsync(harness.SourceId, Token);
            await Deadline.UntilAsync(async () => await harness.Store.CountMessagesAsync(harness.SourceId, Token) >= 200, TimeSpan.FromSeconds(60), "the job archives", Token);

            var stopping = Stopwatch.StartNew();
            await runner.StopAsync(harness.SourceId, Token);
            stopping.Stop();
            Assert.False(registry.IsRunning(harness.SourceId));
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(2), $"stopping took {stopping.Elapsed}");
            var atStop = await harness.Store.CountMessagesAsync(harness.SourceId, Token);
            Assert.True(atStop < 2000, "the import had already finished");

            await runner.StartAsync(harness.SourceId, Token);
            await Deadline.UntilAsync(async () => (await harness.Store.GetSourceAsync(harness.SourceId, Token))!.Status == SourceStatus.Active, TimeSpan.FromSeconds(60), "the resumed import finishes", Token);
            Assert.Equal(2000, await harness.Store.CountMessagesAsync(harness.SourceId, Token) + DuplicateBytes(await harness.ServedAsync(Token)));
            await runner.StopAsync(harness.SourceId, Token);
        }
        finally
        {
            await scheduler.Shutdown(waitForJobsToComplete: true, Token);
        }
    }

    // The same bytes in two places are one archived message with two locations.
    private static int DuplicateBytes(Dictionary<string, List<string>> served)
    {
        var all = served.Values.SelectMany(v => v).ToList();
        return all.Count - all.Distinct().Count();
    }
}
