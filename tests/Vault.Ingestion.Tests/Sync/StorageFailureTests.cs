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
        await using var harness = await SyncHarness.CreateAsync("diskfull", data: data, cancellationToken: Token);

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
    }

    private static byte[] Incompressible(int index, int randomBytes)
    {
        var base64 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(randomBytes), Base64FormattingOptions.InsertLineBreaks);
        return System.Text.Encoding.ASCII.GetBytes(
            $"From: a@example.com\r\nTo: b@example.com\r\nSubject: big {index}\r\nMessage-ID: <{Guid.NewGuid():N}@example.com>\r\n" +
            $"MIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n{base64}\r\n");
    }
}
