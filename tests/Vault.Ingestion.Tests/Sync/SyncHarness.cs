using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vault.Archive;
using Vault.Archive.Embedded;
using Vault.Archive.Sources;
using Vault.Ingestion.Connections;
using Vault.Ingestion.Errors;
using Vault.Ingestion.Connectors;
using Vault.Ingestion.Imap;
using Vault.Ingestion.Sync;
using Vault.Search.Indexing;
using Vault.Ingestion.ImportRunner;
using Vault.TestSupport;

namespace Vault.Ingestion.Tests.Sync;

/// <summary>A real Dovecot user, a real embedded store in a temp folder, and the engine wired without Quartz.</summary>
internal sealed class SyncHarness : IAsyncDisposable
{
    private SyncHarness(TestDovecot dovecot, TestUser user, TempDirectory data, EmbeddedArchiveStore store, SyncOptions options)
    {
        Dovecot = dovecot;
        User = user;
        Data = data;
        Store = store;
        Options = options;
    }

    public TestDovecot Dovecot { get; }

    public TestUser User { get; }

    public TempDirectory Data { get; }

    public EmbeddedArchiveStore Store { get; }

    public SyncOptions Options { get; }

    public string SourceId { get; private set; } = "";

    public static async Task<SyncHarness> CreateAsync(string prefix, Action<SyncOptions>? configure = null, int? port = null, TimeSpan? sourcePollInterval = null, TempDirectory? data = null, MailProtocol protocol = MailProtocol.Imap, CancellationToken cancellationToken = default)
    {
        var dovecot = TestDovecot.Require();
        var user = dovecot.CreateUser(prefix);
        data ??= new TempDirectory("vault-sync");
        var store = new EmbeddedArchiveStore(data.Path, TimeProvider.System);
        await store.InitializeAsync(cancellationToken);
        var options = new SyncOptions { PollInterval = TimeSpan.FromSeconds(2) };
        configure?.Invoke(options);
        var harness = new SyncHarness(dovecot, user, data, store, options);
        harness.SourceId = SourceIds.New();
        await store.CreateSourceAsync(new Source
        {
            Id = harness.SourceId,
            Settings = new SourceSettings
            {
                Name = prefix,
                Protocol = protocol,
                Host = dovecot.Host,
                Port = port ?? (protocol == MailProtocol.Pop3 ? dovecot.Pop3Port : dovecot.ImapPort),
                TlsMode = TlsMode.None,
                Username = user.Name,
                Timeout = TimeSpan.FromSeconds(10),
                PollInterval = sourcePollInterval,
                SyncMode = protocol == MailProtocol.Pop3 ? SyncMode.Poll : SyncMode.Idle,
            },
            EncryptedPassword = Encoding.UTF8.GetBytes(user.Password),
            CreatedAt = DateTimeOffset.UtcNow,
        }, cancellationToken);
        return harness;
    }

    /// <param name="time">A FakeTimeProvider lets a test step through retry delays without waiting them out.</param>
    /// <param name="indexer">Where committed and changed messages go; none by default.</param>
    /// <param name="inFlight">The process's in-flight budget; a fresh one of <c>Options.MaxInFlightBytes</c> by default.</param>
    /// <param name="sources">The sources port the synchronizer itself is given (the store unless a test wraps it).</param>
    public SourceSynchronizer CreateSynchronizer(TimeProvider? time = null, ImportSlots? importSlots = null, IIndexHandOver? indexer = null, InFlightBudget? inFlight = null, ISourceStore? sources = null) =>
        EngineFactory.Create(Store, Options, Data.Path, time ?? TimeProvider.System, importSlots, indexer: indexer, inFlight: inFlight, sources: sources);

    /// <summary>The one-folder pass on its own, for a test that opens the folder itself.</summary>
    public ImapFolderSynchronizer CreateFolderSynchronizer(IIndexHandOver indexer, TimeProvider? time = null, SyncMetrics? metrics = null) =>
        new(Store, Store, Store, indexer, metrics ?? new SyncMetrics(new RunnerMeterFactory()), new InFlightBudget(Options.MaxInFlightBytes), Microsoft.Extensions.Options.Options.Create(Options),
            Microsoft.Extensions.Options.Options.Create(new ArchiveOptions { DataDirectory = Data.Path }), time ?? TimeProvider.System,
            NullLogger<ImapFolderSynchronizer>.Instance);

    /// <summary>Folder -> set of SHA-256 of what the archive holds there (locations not marked gone are not told apart).</summary>
    public async Task<Dictionary<string, List<string>>> ArchivedAsync(CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (var page = 1; ; page++)
        {
            var items = await Store.ListMessagesAsync(SourceId, page, 500, cancellationToken);
            foreach (var message in items.Items)
            {
                foreach (var location in message.Locations)
                {
                    if (!result.TryGetValue(location.Folder, out var list))
                    {
                        result[location.Folder] = list = [];
                    }

                    list.Add(message.Sha256);
                }
            }

            if (items.Items.Count < 500)
            {
                return result;
            }
        }
    }

    /// <summary>Folder -> SHA-256 of every message as Dovecot serves it (BODY.PEEK[]), fetched independently of the engine.</summary>
    public async Task<Dictionary<string, List<string>>> ServedAsync(CancellationToken cancellationToken)
    {
        using var client = await ConnectAsync(cancellationToken);
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var personal = client.PersonalNamespaces[0];
        foreach (var folder in await client.GetFoldersAsync(personal, StatusItems.None, false, cancellationToken))
        {
            if (folder.Attributes.HasFlag(FolderAttributes.NoSelect) || folder.Attributes.HasFlag(FolderAttributes.NonExistent))
            {
                continue;
            }

            await folder.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
            var hashes = new List<string>();
            if (folder.Count > 0)
            {
                var uids = await folder.SearchAsync(MailKit.Search.SearchQuery.All, cancellationToken);
                await ((ImapFolder)folder).GetStreamsAsync(uids, async (_, _, _, stream, token) =>
                {
                    hashes.Add(Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, token)));
                }, cancellationToken);
            }

            result[FolderNames.DisplayName(folder, personal.Path)] = hashes;
        }

        return result;
    }

    /// <summary>
    /// Puts files into a folder through the Maildir (Dovecot serves them with CRLF line ends); unlike APPEND this
    /// takes the corpus's broken messages too, whose headers MimeKit will not parse.
    /// </summary>
    public async Task FillFolderAsync(string folder, IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        using var maildir = new TempDirectory("vault-maildir");
        var cur = folder == "INBOX" ? Path.Combine(maildir.Path, "cur") : Path.Combine(maildir.Path, "." + folder.Replace('/', '.'), "cur");
        Directory.CreateDirectory(cur);
        for (var i = 0; i < files.Count; i++)
        {
            File.Copy(files[i], Path.Combine(cur, $"{i + 1}.vault.test:2,"));
        }

        await Dovecot.FillFromMaildirAsync(User, maildir.Path, cancellationToken);
    }

    public async Task<ImapClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var client = new ImapClient();
        await client.ConnectAsync(Dovecot.Host, Dovecot.ImapPort, SecureSocketOptions.None, cancellationToken);
        await client.AuthenticateAsync(User.Name, User.Password, cancellationToken);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        Data.Dispose();
    }
}
