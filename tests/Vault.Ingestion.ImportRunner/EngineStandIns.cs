using System.Diagnostics.Metrics;
using System.Text;
using Vault.Archive.Sources;
using Vault.Ingestion.Credentials;
using Vault.Ingestion.Sync;
using Vault.Search.Indexing;

namespace Vault.Ingestion.ImportRunner;

// The engine's collaborators that the sync tests and this child process replace the same way.

/// <summary>The test stores the password as plain UTF-8 bytes.</summary>
public sealed class PlainPasswords : IMailCredentialProvider
{
    public Task<MailCredential> GetAsync(Source source, CancellationToken cancellationToken) =>
        Task.FromResult<MailCredential>(new PasswordCredential(source.Settings.Username, Encoding.UTF8.GetString(source.EncryptedPassword)));
}

public sealed class NoIndexer : IIndexHandOver
{
    public ValueTask EnqueueAsync(IReadOnlyList<string> messageIds, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask EnqueueAsync(Archive.Messages.MessageBatch batch, Archive.Messages.BatchResult result, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

public sealed class RunnerMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options);
        _meters.Add(meter);
        return meter;
    }

    public bool Owns(Meter meter) => _meters.Contains(meter);

    public void Dispose() => _meters.ForEach(m => m.Dispose());
}
