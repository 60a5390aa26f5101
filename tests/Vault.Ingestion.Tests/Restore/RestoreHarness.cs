using Vault.Archive.Jobs;
using Vault.Archive.Sources;
using Vault.Ingestion.ImportRunner;
using Vault.Ingestion.Restore;
using Vault.Ingestion.Tests.Sync;
using Vault.TestSupport;

namespace Vault.Ingestion.Tests.Restore;

/// <summary>A source user archived into a real store (<see cref="SyncHarness"/>), and a second, empty Dovecot user to restore into.</summary>
internal sealed class RestoreHarness : IAsyncDisposable
{
    private RestoreHarness(SyncHarness source, TestUser target)
    {
        Source = source;
        Target = target;
    }

    public SyncHarness Source { get; }

    public TestUser Target { get; }

    public TestDovecot Dovecot => Source.Dovecot;

    /// <summary>Fills the source user through <paramref name="fill"/>, then archives it whole.</summary>
    public static async Task<RestoreHarness> CreateAsync(string prefix, Func<SyncHarness, Task> fill, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fill);
        var source = await SyncHarness.CreateAsync(prefix, cancellationToken: cancellationToken);
        await fill(source);
        await source.CreateSynchronizer().SyncOnceAsync(source.SourceId, cancellationToken);
        return new RestoreHarness(source, source.Dovecot.CreateUser($"{prefix}-to"));
    }

    public MailboxRestorer Restorer(RestoreOptions? options = null) =>
        RestoreFactory.Create(Source.Store, Source.Data.Path, options ?? new RestoreOptions());

    /// <summary>Saves a new Running restore of the source into the target user (through <paramref name="port"/>, the proxy's when given).</summary>
    public async Task<RestoreRecord> NewRestoreAsync(CancellationToken cancellationToken, int? port = null, string? password = null, Func<RestoreRecord, RestoreRecord>? change = null)
    {
        var restore = new RestoreRecord
        {
            Id = SourceIds.New(),
            SourceId = Source.SourceId,
            Target = new RestoreTarget
            {
                Host = Dovecot.Host,
                Port = port ?? Dovecot.ImapPort,
                TlsMode = TlsMode.None,
                Username = Target.Name,
                Timeout = TimeSpan.FromSeconds(20),
            },
            EncryptedPassword = RestoreFactory.Protector(Source.Data.Path).Protect(password ?? Target.Password),
            CreatedAt = TimeProvider.System.GetUtcNow(),
        };
        restore = change?.Invoke(restore) ?? restore;
        await Source.Store.SaveRestoreAsync(restore, cancellationToken);
        return restore;
    }

    public Task<SortedDictionary<string, List<string>>> SourceMailboxAsync(CancellationToken cancellationToken) =>
        MailboxSnapshot.ReadAsync(Dovecot, Source.User, cancellationToken);

    public Task<SortedDictionary<string, List<string>>> TargetMailboxAsync(CancellationToken cancellationToken) =>
        MailboxSnapshot.ReadAsync(Dovecot, Target, cancellationToken);

    public async ValueTask DisposeAsync() => await Source.DisposeAsync();
}
