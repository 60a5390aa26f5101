namespace Vault.Api.Hosting;

/// <summary>Logs, once at start, what <see cref="PrivateDataDirectory.Prepare"/> changed (it ran before logging existed).</summary>
internal sealed class DataDirectoryReport(DataDirectoryPreparation preparation, ILogger<DataDirectoryReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (preparation.Tightened > 0)
        {
            DataDirectoryLog.Tightened(logger, preparation.Path, preparation.Tightened);
        }

        if (preparation.Refused.Count > 0)
        {
            DataDirectoryLog.CouldNotTighten(logger, preparation.Path, preparation.Refused.Count, preparation.Refused[0]);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
