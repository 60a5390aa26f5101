using Vault.Archive.Sources;
using Vault.Ingestion.Sync;

namespace Vault.Ingestion.Files;

/// <summary>Mail brought as files (<c>protocol: "file"</c>): one import of the uploads, then nothing to keep in sync.</summary>
public sealed class FileSourceSynchronizer(FileImporter importer) : IProtocolSynchronizer
{
    public MailProtocol Protocol => MailProtocol.File;

    public async Task RunAsync(SourceRun run, bool continuous, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.ImportCompleted)
        {
            return;
        }

        await run.SetStatusAsync(SourceStatus.Importing, importCompleted: null, "importing the uploaded files", cancellationToken);
        await importer.RunAsync(run.Source, cancellationToken);
        await run.SetStatusAsync(SourceStatus.Active, importCompleted: true, "import finished", cancellationToken);
    }
}
