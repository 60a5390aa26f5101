using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Vault.Archive.CrashWriter;
using Vault.Archive.Embedded;
using Vault.TestSupport;

namespace Vault.Archive.Tests;

/// <summary>Kills a process that is writing batches and checks what the store holds after reopening it.</summary>
public sealed class EmbeddedCrashTests : IDisposable
{
    private readonly TempDirectory _temp = new("vault-crash");

    [Fact]
    public async Task A_writer_killed_mid_batch_loses_nothing_committed_and_duplicates_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var dataDirectory = Path.Combine(_temp.Path, "data");
        var killAfter = Random.Shared.Next(2, 6);
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Vault.Archive.CrashWriter.dll"));
        start.ArgumentList.Add(dataDirectory);

        var lastReported = -1;
        using (var writer = Process.Start(start)!)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(TimeSpan.FromMinutes(2));
            try
            {
                while (lastReported < killAfter)
                {
                    var line = await writer.StandardOutput.ReadLineAsync(deadline.Token)
                        ?? throw new InvalidOperationException($"The writer exited: {await writer.StandardError.ReadToEndAsync(ct)}");
                    lastReported = int.Parse(line["committed ".Length..], CultureInfo.InvariantCulture);
                }

                // A random moment inside the next batch (a batch takes tens of milliseconds): the kill point, not a wait.
                await Task.Delay(Random.Shared.Next(0, 40), ct);
            }
            finally
            {
                writer.Kill(entireProcessTree: true);
                await writer.WaitForExitAsync(ct);
            }
        }

        await using var store = new EmbeddedArchiveStore(dataDirectory, new FakeTimeProvider());
        await store.InitializeAsync(ct);

        var checkpoint = Assert.Single(await store.ListFolderStatesAsync(CrashBatches.SourceId, ct));
        Assert.True(checkpoint.Watermark >= (lastReported + 1L) * CrashBatches.Size, $"batch {lastReported} was reported committed but the checkpoint is at {checkpoint.Watermark}");
        Assert.Equal(0, checkpoint.Watermark % CrashBatches.Size);

        var messages = new List<Messages.ArchivedMessage>();
        await foreach (var message in store.ListMessagesInFolderAsync(CrashBatches.SourceId, CrashBatches.Folder, ct))
        {
            messages.Add(message);
        }

        // Exactly the UIDs up to the checkpoint: nothing of a half-written batch, nothing twice.
        Assert.Equal(checkpoint.Watermark, await store.CountMessagesAsync(CrashBatches.SourceId, ct));
        var uids = messages.Select(m => Assert.Single(m.Locations).Uid).Order().ToList();
        Assert.Equal(Enumerable.Range(1, (int)checkpoint.Watermark).Select(i => (long)i), uids);

        foreach (var message in messages)
        {
            var expected = CrashBatches.Message(message.Locations[0].Uid);
            Assert.Equal(expected, await StoredBytes.ReadAllAsync(store, message.Id, ct));
        }
    }

    public void Dispose() => _temp.Dispose();
}
