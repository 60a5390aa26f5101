namespace Vault.Ingestion.Jobs;

/// <summary>
/// Starts and stops the one sync job of a source. The API calls it on create, resume, pause, edit and delete;
/// the host calls <see cref="StartAsync"/> for every non-paused source at startup.
/// </summary>
public interface ISourceRunner
{
    /// <summary>Schedules the source's job now (no-op when it is already running).</summary>
    Task StartAsync(string sourceId, CancellationToken cancellationToken);

    /// <summary>Interrupts the running job through its CancellationToken and waits (a second or two) until its connections are closed.</summary>
    Task StopAsync(string sourceId, CancellationToken cancellationToken);
}
