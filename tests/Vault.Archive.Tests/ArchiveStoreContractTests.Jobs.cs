using Vault.Archive.Jobs;
using Vault.Archive.Messages;
using static Vault.Archive.Tests.TestMessages;

namespace Vault.Archive.Tests;

/// <summary>The job reports port (<see cref="IJobReportStore"/>) and the catalog (<see cref="IMessageCatalog"/>), run against each store.</summary>
public abstract partial class ArchiveStoreContractTests
{
    [Fact]
    public async Task A_verify_report_is_replaced_by_the_next_and_listed_per_source()
    {
        var store = await NewStoreAsync();
        var reports = (IJobReportStore)store;
        var started = Time.GetUtcNow();
        await reports.SaveVerifyReportAsync(new VerifyReport { SourceId = "a", StartedAt = started, Total = 10, Checked = 3, Ok = 3 }, Ct);
        await reports.SaveVerifyReportAsync(new VerifyReport { SourceId = "b", StartedAt = started }, Ct);

        var finished = new VerifyReport
        {
            SourceId = "a",
            Status = JobStatus.Completed,
            StartedAt = started,
            FinishedAt = started.AddMinutes(2),
            Total = 10,
            Checked = 10,
            Ok = 8,
            Corrupted = ["x1", "x2"],
            CorruptedCount = 2,
            MissingFromIndex = 4,
            OrphanedInIndex = 1,
        };
        await reports.SaveVerifyReportAsync(finished, Ct);

        var read = await reports.GetVerifyReportAsync("a", Ct);
        Assert.Equal(finished with { Corrupted = [] }, read! with { Corrupted = [] });
        Assert.Equal(["x1", "x2"], read.Corrupted);
        Assert.Equal(["a", "b"], (await reports.ListVerifyReportsAsync(Ct)).Select(r => r.SourceId).Order(StringComparer.Ordinal));
        Assert.Null(await reports.GetVerifyReportAsync("nope", Ct));
    }

    [Fact]
    public async Task Deleting_a_source_drops_its_verify_report_but_keeps_restores_of_it()
    {
        var store = await NewStoreAsync();
        var reports = (IJobReportStore)store;
        await store.CreateSourceAsync(NewSource("s"), Ct);
        await reports.SaveVerifyReportAsync(new VerifyReport { SourceId = "s", StartedAt = Time.GetUtcNow() }, Ct);
        await reports.SaveRestoreAsync(Restore("r1", "s"), Ct);

        await store.DeleteSourceAsync("s", purgeMessages: false, Ct);

        Assert.Null(await reports.GetVerifyReportAsync("s", Ct));
        Assert.NotNull(await reports.GetRestoreAsync("r1", Ct));
    }

    [Fact]
    public async Task A_restore_keeps_its_target_checkpoint_and_encrypted_password()
    {
        var store = await NewStoreAsync();
        var reports = (IJobReportStore)store;
        await reports.SaveRestoreAsync(Restore("r1", "s"), Ct);
        var progressed = Restore("r1", "s") with
        {
            Folders = ["INBOX", "Archive/2022"],
            FolderIndex = 1,
            FolderMessagesDone = 17,
            MessagesTotal = 40,
            MessagesRestored = 30,
            MessagesSkipped = 3,
            MessagesNormalized = 2,
            MessagesFailed = 1,
            BytesRestored = 123_456,
            SelectedFolders = ["INBOX", "Archive/2022"],
            Query = "from:alice has:attachment",
        };
        await reports.SaveRestoreAsync(progressed, Ct);
        var refused = new JobError("QuotaExceeded", "The target mailbox is full.", "Free space, then resume.", "NO [OVERQUOTA] Quota exceeded", Time.GetUtcNow());
        await reports.SaveRestoreAsync(Restore("r2", "t") with { Status = JobStatus.Failed, Error = refused }, Ct);

        var read = await reports.GetRestoreAsync("r1", Ct);
        Assert.NotNull(read);
        Assert.Equal(progressed.Target, read.Target);
        Assert.Equal(progressed.EncryptedPassword, read.EncryptedPassword);
        Assert.Equal(["INBOX", "Archive/2022"], read.Folders);
        Assert.Equal(
            (1, 17L, 40L, 30L, 3L, 2L, 1L),
            (read.FolderIndex, read.FolderMessagesDone, read.MessagesTotal, read.MessagesRestored, read.MessagesSkipped, read.MessagesNormalized, read.MessagesFailed));
        Assert.Equal(123_456L, read.BytesRestored);
        Assert.Equal(["INBOX", "Archive/2022"], read.SelectedFolders);
        Assert.Equal("from:alice has:attachment", read.Query);
        Assert.Null(read.Error);
        Assert.Equal(JobStatus.Running, read.Status);
        Assert.Equal(["r1", "r2"], (await reports.ListRestoresAsync(Ct)).Select(r => r.Id).Order(StringComparer.Ordinal));
        var failed = await reports.GetRestoreAsync("r2", Ct);
        Assert.Equal(refused, failed!.Error);
        Assert.Null(failed.SelectedFolders);
        Assert.Null(failed.Query);
        Assert.Null(await reports.GetRestoreAsync("nope", Ct));
    }

    [Fact]
    public async Task A_restore_to_a_connector_mailbox_keeps_the_connector_and_no_password()
    {
        var store = await NewStoreAsync();
        var reports = (IJobReportStore)store;
        var restore = Restore("r3", "s") with
        {
            Target = new RestoreTarget { Host = "mail.example.org", Port = 993, Username = "bob", ConnectorId = "c1" },
            EncryptedPassword = [],
        };
        await reports.SaveRestoreAsync(restore, Ct);

        var read = await reports.GetRestoreAsync("r3", Ct);
        Assert.Equal("c1", read!.Target.ConnectorId);
        Assert.Null(read.Target.FolderPrefix);
        Assert.Empty(read.EncryptedPassword);
    }

    [Fact]
    public async Task The_catalog_walks_every_message_of_a_source_once_in_a_stable_order_across_pages()
    {
        var store = await NewStoreAsync();
        var catalog = (IMessageCatalog)store;
        // More than one page (256), in two folders, one message in both, and another source's mail beside it.
        await store.CommitBatchAsync(Batch("s", 1, 300), Ct);
        await store.CommitBatchAsync(Batch("s", 301, 20, "Archive/2022"), Ct);
        await store.CommitBatchAsync(new MessageBatch("s", [Incoming(Mail(5), "Archive/2022", 1, 999)], null), Ct);
        await store.CommitBatchAsync(Batch("other", 1, 5), Ct);

        var all = await ToListAsync(catalog.StreamMessagesAsync("s", null, Ct));
        var again = await ToListAsync(catalog.StreamMessagesAsync("s", null, Ct));
        var archive = await ToListAsync(catalog.StreamMessagesAsync("s", "Archive/2022", Ct));

        Assert.Equal(320, all.Count);
        Assert.Equal(320, all.Select(m => m.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.All(all, m => Assert.Equal("s", m.SourceId));
        Assert.Equal(all.Select(m => m.Id), again.Select(m => m.Id));
        Assert.Equal(21, archive.Count);
        Assert.Contains(archive, m => m.Sha256 == Sha(Mail(5)));
        Assert.Equal(
            [new FolderCount("Archive/2022", 21), new FolderCount("INBOX", 300)],
            await catalog.ListFoldersAsync("s", Ct));
        Assert.Empty(await catalog.ListFoldersAsync("nope", Ct));
        Assert.Empty(await ToListAsync(catalog.StreamMessagesAsync("nope", null, Ct)));
    }

    private RestoreRecord Restore(string id, string sourceId) => new()
    {
        Id = id,
        SourceId = sourceId,
        Target = new RestoreTarget { Host = "imap.example.org", Port = 143, TlsMode = Sources.TlsMode.StartTls, Username = "alice*admin", FolderPrefix = "Restored" },
        EncryptedPassword = [9, 8, 7],
        CreatedAt = Time.GetUtcNow(),
    };
}
