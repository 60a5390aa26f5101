using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Vault.Archive;
using Vault.Archive.Messages;
using Vault.Archive.Sources;
using Vault.Search.Indexing;
using Vault.TestSupport;

namespace Vault.Api.Tests.Export;

/// <summary>The real host over a temp data directory with one source filled straight into its store (no server needed).</summary>
internal sealed class ExportHost : IAsyncDisposable
{
    public const string ApiKey = "export-test-key";

    private readonly TempDirectory _data = new();
    private readonly WebApplicationFactory<Program> _factory;

    public ExportHost()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Vault:DataDirectory", _data.Path);
            web.UseSetting("Vault:ApiKey", ApiKey);
        });
        Client = _factory.CreateClient();
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _factory.Services;

    public string DataDirectory => _data.Path;

    public IArchiveStore Store => _factory.Services.GetRequiredService<IArchiveStore>();

    public HttpClient AnonymousClient() => _factory.CreateClient();

    /// <summary>Creates an Active source (no job runs for it) holding <paramref name="messages"/> (folder, bytes), one batch per folder.</summary>
    public async Task<string> AddSourceAsync(string name, IEnumerable<(string Folder, byte[] Bytes)> messages, CancellationToken cancellationToken)
    {
        await Store.InitializeAsync(cancellationToken);
        var id = SourceIds.New();
        await Store.CreateSourceAsync(new Source
        {
            Id = id,
            Settings = new SourceSettings { Name = name, Host = "imap.example.org", Username = "someone" },
            EncryptedPassword = [1],
            Status = SourceStatus.Active,
            ImportCompleted = true,
            CreatedAt = DateTimeOffset.UtcNow,
        }, cancellationToken);
        var indexer = _factory.Services.GetRequiredService<IIndexHandOver>();
        foreach (var folder in messages.GroupBy(m => m.Folder))
        {
            foreach (var chunk in folder.Select((m, i) => (m.Bytes, Uid: i + 1)).Chunk(200))
            {
                var incoming = chunk.Select(m => new IncomingMessage(
                    new MessageLocation(folder.Key, 1, m.Uid), MessageContent.FromBytes(m.Bytes),
                    new DateTimeOffset(2023, 3, 1, 10, 0, 0, TimeSpan.Zero).AddMinutes(m.Uid), ["\\Seen"],
                    MessageHeaderSummary.Read(new MemoryStream(m.Bytes)))).ToList();
                var result = await Store.CommitBatchAsync(new MessageBatch(id, incoming, null), cancellationToken);
                await indexer.EnqueueAsync(result.ChangedIds.ToList(), cancellationToken);
            }
        }

        return id;
    }

    /// <summary>The SHA-256 of every message the store holds for the source.</summary>
    public async Task<HashSet<string>> ArchivedShasAsync(string sourceId, CancellationToken cancellationToken)
    {
        var shas = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var message in ((IMessageCatalog)Store).StreamMessagesAsync(sourceId, null, cancellationToken))
        {
            shas.Add(message.Sha256);
        }

        return shas;
    }

    public static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
        _data.Dispose();
    }
}
