using Quartz;

namespace Vault.Ingestion.Integrity;

/// <summary>The Quartz job of one integrity check (<see cref="IntegrityChecker"/>), a thin adapter; one at a time per source.</summary>
[DisallowConcurrentExecution]
public sealed class VerifySourceJob(IntegrityChecker checker) : IJob
{
    public const string SourceIdKey = "sourceId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var sourceId = context.MergedJobDataMap.GetString(SourceIdKey) ?? throw new JobExecutionException("The job has no source id.");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, cancellationToken);
        await checker.RunAsync(sourceId, stop.Token);
    }
}
