using System.Diagnostics;
using Lucene.Net.Documents;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Vault.Archive.Embedded;
using Vault.Archive.Folders;
using Vault.Archive.Messages;
using Vault.Archive.Sources;
using Vault.Benchmarks.EndToEnd;
using Vault.Search.Attachments;
using Vault.Search.Documents;
using Vault.Search.Indexing;
using Vault.TestSupport;

namespace Vault.Benchmarks.Micro;

/// <summary>
/// The CPU time and allocation of each stage of an import, one after another on one thread over the whole generated
/// mailbox, so each lever can be judged by the stage it should shrink: the IMAP fetch from the test Dovecot, the header
/// summary, the store's batch commit (and its hash and compression alone), the document build and the Lucene writer, the
/// last two a second time once their code is compiled, and also with attachment text (<c>Vault:Search:AttachmentText</c>,
/// on by default). Process CPU time, so GC threads count.
/// </summary>
public static class StageCosts
{
    public static async Task<int> RunAsync(int count, int seed, bool fetch, CancellationToken cancellationToken)
    {
        var generator = Path.Combine(SharedFolder.Root ?? Path.Combine(RepositoryRoot.Path, "..", "shared"), "bench", "gen_corpus.py");
        var (maildir, _) = await CorpusCache.EnsureAsync(generator, count, seed, cancellationToken);
        var files = Directory.EnumerateFiles(maildir, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(Path.GetDirectoryName(f)) is "cur" or "new")
            .Order(StringComparer.Ordinal)
            .ToList();
        var messages = new List<byte[]>(files.Count);
        foreach (var file in files)
        {
            messages.Add(await File.ReadAllBytesAsync(file, cancellationToken));
        }

        var bytes = messages.Sum(m => (long)m.Length);
        Console.WriteLine($"stages: {messages.Count} messages, {bytes / 1048576.0:F1} MiB, one thread each, process CPU (GC included)");
        Console.WriteLine($"{"stage",-40} {"CPU s",8} {"µs/msg",8} {"alloc MB",9} {"B alloc/B",10}");

        void Report(string stage, TimeSpan cpu, long allocated) =>
            Console.WriteLine($"{stage,-40} {cpu.TotalSeconds,8:F2} {cpu.TotalMicroseconds / messages.Count,8:F0} {allocated / 1e6,9:F0} {allocated / (double)bytes,10:F2}");

        async Task Measure(string stage, Func<Task> work)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            await work();
            Report(stage, Process.GetCurrentProcess().TotalProcessorTime - cpu, GC.GetTotalAllocatedBytes(precise: true) - allocated);
        }

        if (fetch)
        {
            var server = await MailboxServer.EnsureRunningAsync(cancellationToken);
            var user = await server.CreateFilledUserAsync(maildir, messages.Count, cancellationToken);
            await Measure("imap fetch (MailKit)", () => FetchAllAsync(server, user, cancellationToken));
        }

        await Measure("sha256", () =>
        {
            foreach (var message in messages)
            {
                System.Security.Cryptography.SHA256.HashData(message);
            }

            return Task.CompletedTask;
        });
        await Measure("zstd level 1 (native, as the store)", () =>
        {
            using var compressor = new ZstdNet.Compressor(new ZstdNet.CompressionOptions(1));
            var output = new byte[ZstdSharp.Compressor.GetCompressBound(messages.Max(m => m.Length))];
            foreach (var message in messages)
            {
                compressor.Wrap(message, output);
            }

            return Task.CompletedTask;
        });

        var summaries = new MessageHeaderSummary[messages.Count];
        await Measure("header summary", () =>
        {
            for (var i = 0; i < messages.Count; i++)
            {
                using var raw = new MemoryStream(messages[i], writable: false);
                summaries[i] = MessageHeaderSummary.Read(raw);
            }

            return Task.CompletedTask;
        });

        var now = TimeProvider.System.GetUtcNow();
        var data = Path.Combine(Path.GetTempPath(), $"vault-stages-{Guid.NewGuid():N}");
        var archived = new List<ArchivedMessage>();
        try
        {
            using (var store = new EmbeddedArchiveStore(data, TimeProvider.System))
            {
                await store.InitializeAsync(cancellationToken);
                await store.CreateSourceAsync(
                    new Source { Id = "stages", Settings = new SourceSettings { Name = "stages", Host = "127.0.0.1", Username = "u" }, EncryptedPassword = [], CreatedAt = now },
                    cancellationToken);
                await Measure("store commit (sha, zstd, sql)", async () =>
                {
                    for (var start = 0; start < messages.Count; start += 200)
                    {
                        var end = Math.Min(messages.Count, start + 200);
                        var incoming = new List<IncomingMessage>();
                        for (var i = start; i < end; i++)
                        {
                            incoming.Add(new IncomingMessage(new MessageLocation("INBOX", 1, i + 1), MessageContent.FromBytes(messages[i]), now, ["\\Seen"], summaries[i]));
                        }

                        await store.CommitBatchAsync(
                            new MessageBatch("stages", incoming, new FolderSyncState { SourceId = "stages", Folder = "INBOX", UidValidity = 1, Watermark = end }), cancellationToken);
                    }
                });

                await Measure("store list changes", async () =>
                {
                    long after = 0;
                    while (true)
                    {
                        var changes = await store.ListChangesAsync(after, 512, cancellationToken);
                        if (changes.Count == 0)
                        {
                            break;
                        }

                        archived.AddRange(changes);
                        after = changes[^1].ChangeSequence;
                    }
                });

                await Measure("store read back", async () =>
                {
                    foreach (var message in archived)
                    {
                        await using var raw = await store.OpenRawAsync(message.Id, cancellationToken);
                        await raw!.CopyToAsync(Stream.Null, cancellationToken);
                    }
                });
            }

            Document[] BuildAll(AttachmentTextExtraction? attachmentText)
            {
                var built = new Document[archived.Count];
                for (var i = 0; i < archived.Count; i++)
                {
                    using var raw = new MemoryStream(messages[i], writable: false);
                    built[i] = MessageDocumentBuilder.Build(archived[i], raw, attachmentText, cancellationToken);
                }

                return built;
            }

            void IndexAll(SearchIndex index, Document[] all)
            {
                for (var i = 0; i < all.Length; i++)
                {
                    index.Upsert(all[i]);
                    if (i % 1000 == 999)
                    {
                        // About what the indexing worker does during an import: a near-real-time refresh a second.
                        index.Refresh(i);
                    }
                }

                index.Refresh(all.Length);
            }

            // The document build, then the writer over its documents (and, for the first, the durable commit after it).
            async Task MeasureIndexingAsync(string build, string write, AttachmentTextExtraction? attachmentText, string folder, bool commit)
            {
                Document[] documents = [];
                await Measure(build, () =>
                {
                    documents = BuildAll(attachmentText);
                    return Task.CompletedTask;
                });

                using var index = new SearchIndex(Path.Combine(data, folder));
                await Measure(write, () =>
                {
                    IndexAll(index, documents);
                    return Task.CompletedTask;
                });
                if (commit)
                {
                    await Measure("lucene commit + merges", async () =>
                    {
                        await index.CommitAsync(archived.Count, cancellationToken);
                        index.WaitForMerges();
                    });
                }
            }

            await MeasureIndexingAsync("document build (MimeKit)", "lucene update, refresh per 1000", null, "index", commit: true);

            // The same two stages again into a new index, their code now compiled: the first pass includes the JIT, this
            // one is what they cost a process that has imported before.
            await MeasureIndexingAsync("document build, second pass", "lucene update, second pass", null, "index-again", commit: false);

            // The same two stages with the text inside attachments read and indexed (after the others, which they would warm up).
            await MeasureIndexingAsync(
                "document build + attachment text", "lucene update + attachment text",
                new AttachmentTextExtraction(AttachmentTextLimits.Default, TimeProvider.System), "index-text", commit: false);
        }

        finally
        {
            Directory.Delete(data, recursive: true);
        }

        return 0;
    }

    private static async Task FetchAllAsync(MailboxServer server, TestUser user, CancellationToken cancellationToken)
    {
        using var client = new ImapClient();
        await client.ConnectAsync(server.Dovecot.Host, server.Dovecot.ImapPort, SecureSocketOptions.None, cancellationToken);
        await client.AuthenticateAsync(user.Name, user.Password, cancellationToken);
        var personal = client.GetFolder(client.PersonalNamespaces[0]);
        var folders = new List<IMailFolder> { client.Inbox };
        folders.AddRange(await personal.GetSubfoldersAsync(StatusItems.None, subscribedOnly: false, cancellationToken));
        var buffer = new byte[81920];
        foreach (var folder in folders.DistinctBy(f => f.FullName))
        {
            if (folder.Attributes.HasFlag(FolderAttributes.NoSelect))
            {
                continue;
            }

            await folder.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
            if (folder.Count == 0)
            {
                continue;
            }

            var uids = await folder.SearchAsync(MailKit.Search.SearchQuery.All, cancellationToken);
            for (var start = 0; start < uids.Count; start += 200)
            {
                var part = uids.Skip(start).Take(200).ToList();
                await ((ImapFolder)folder).GetStreamsAsync(part, async (_, _, _, stream, token) =>
                {
                    while (await stream.ReadAsync(buffer, token) > 0)
                    {
                    }
                }, cancellationToken);
            }
        }

        await client.DisconnectAsync(quit: true, cancellationToken);
    }
}
