using System.Security.Cryptography;
using Vault.Archive.Sources;
using Vault.Ingestion.Errors;
using Vault.TestSupport;

namespace Vault.Ingestion.Tests.Sync;

/// <summary>A full disk is the archive's problem and says so (it read as "Unknown ... talking to the server").</summary>
public sealed class StorageFailureTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_data_directory_that_runs_out_of_space_shows_StorageError_with_a_hint_and_a_retry()
    {
        var dovecot = TestDovecot.Require();
        using var disk = SmallFileSystem.Require(megabytes: 4);
        var data = new TempDirectory(disk.Path, "vault-full");
        // Two messages a batch: the disk fills after some batches were committed, with more behind the one that fails.
        await using var harness = await SyncHarness.CreateAsync("diskfull", o => o.BatchMaxMessages = 2, data: data, cancellationToken: Token);

        // 12 messages of ~700 KB of random (incompressible) base64: about 8 MB to archive on a 4 MB file system.
        for (var i = 0; i < 12; i++)
        {
            await dovecot.AppendAsync(harness.User, "INBOX", Incompressible(i, 512 * 1024), Token);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var run = harness.CreateSynchronizer().RunAsync(harness.SourceId, stop.Token);
        await Deadline.UntilAsync(async () => (await harness.Store.GetSourceAsync(harness.SourceId, Token))!.Status == SourceStatus.Error, TimeSpan.FromSeconds(60), "the source fails", Token);
        await stop.CancelAsync();
        await run;

        var error = (await harness.Store.GetSourceAsync(harness.SourceId, Token))!.Error!;
        Assert.Equal(ErrorCodes.StorageError, error.Code);
        Assert.Contains("disk", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("full", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Vault:DataDirectory", error.Hint, StringComparison.Ordinal);
        Assert.NotNull(error.NextRetryAt);
        Assert.Null(error.ServerResponse);

        // Commits happen in order and stop at the failure: what was archived is UIDs 1..n without a gap, and the folder's
        // checkpoint never passes it (the batch fetched behind the failed one was not committed).
        var uids = new List<long>();
        await foreach (var message in harness.Store.ListMessagesInFolderAsync(harness.SourceId, "INBOX", Token))
        {
            uids.AddRange(message.Locations.Where(l => l.Folder == "INBOX").Select(l => l.Uid));
        }

        uids.Sort();
        Assert.True(uids.Count < 12, $"{uids.Count} of 12 archived on a full disk");
        Assert.Equal(Enumerable.Range(1, uids.Count).Select(u => (long)u), uids);
        var inbox = (await harness.Store.ListFolderStatesAsync(harness.SourceId, Token)).SingleOrDefault(f => f.Folder == "INBOX");
        Assert.True((inbox?.Watermark ?? 0) <= uids.Count, $"watermark {inbox?.Watermark} past {uids.Count} archived");
    }

    private static byte[] Incompressible(int index, int randomBytes)
    {
        var base64 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(randomBytes), Base64FormattingOptions.InsertLineBreaks);
        return System.Text.Encoding.ASCII.GetBytes(
            $"From: a@example.com\r\nTo: b@example.com\r\nSubject: big {index}\r\nMessage-ID: <{Guid.NewGuid():N}@example.com>\r\n" +
            $"MIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n{base64}\r\n");
    }
}
