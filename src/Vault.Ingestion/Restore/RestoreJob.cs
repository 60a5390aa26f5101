using Quartz;

namespace Vault.Ingestion.Restore;

/// <summary>The Quartz job of one restore (<see cref="MailboxRestorer"/>), a thin adapter; one run at a time per restore.</summary>
[DisallowConcurrentExecution]
public sealed class RestoreJob(MailboxRestorer restorer) : IJob
{
    public const string RestoreIdKey = "restoreId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var restoreId = context.MergedJobDataMap.GetString(RestoreIdKey) ?? throw new JobExecutionException("The job has no restore id.");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, cancellationToken);
        await restorer.RunAsync(restoreId, stop.Token);
    }
}
