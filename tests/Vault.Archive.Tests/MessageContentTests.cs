using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Vault.Archive.Messages;
using Vault.TestSupport;

namespace Vault.Archive.Tests;

/// <summary>A fetched message's bytes in a pooled array: returned exactly once, and only when nothing holds them any more.</summary>
public sealed class MessageContentTests : IDisposable
{
    private readonly TempDirectory _temp = new("vault-content");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_pooled_copy_goes_back_to_the_pool_once_after_the_content_and_every_hold_are_disposed()
    {
        var bytes = RandomNumberGenerator.GetBytes(5000);
        // Completes at once (a MemoryStream): the rest of the test stays on this thread, whose pool slot it watches.
        var content = await MessageContent.CopyFromAsync(new MemoryStream(bytes), _temp.Path, pooled: true, Ct);
        Assert.Equal(bytes, content.InMemory!.Value.ToArray());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), content.Sha256);
        Assert.Equal(bytes.Length, content.Length);
        using (var read = new MemoryStream())
        {
            content.OpenRead().CopyTo(read);
            Assert.Equal(bytes, read.ToArray());
        }

        Assert.True(MemoryMarshal.TryGetArray(content.InMemory.Value, out var segment));
        var array = segment.Array!;
        var hold = content.Hold()!;
        content.Dispose();
        content.Dispose();

        // Still held: the array is not back in the pool, and the bytes are the message's.
        var other = ArrayPool<byte>.Shared.Rent(bytes.Length);
        Assert.NotSame(array, other);
        Assert.Equal(bytes, hold.Bytes.ToArray());

        hold.Dispose();
        hold.Dispose();
        var again = ArrayPool<byte>.Shared.Rent(bytes.Length);
        var next = ArrayPool<byte>.Shared.Rent(bytes.Length);
        Assert.Same(array, again);
        Assert.NotSame(array, next);
        Assert.Null(content.InMemory);
        Assert.Null(content.Hold());
        Assert.Throws<ObjectDisposedException>(() => content.OpenRead());
        foreach (var rented in new[] { other, again, next })
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    [Fact]
    public async Task Bytes_not_from_the_pool_stay_readable_and_a_spilled_message_has_no_hold()
    {
        var bytes = RandomNumberGenerator.GetBytes(300);
        var content = await MessageContent.CopyFromAsync(new MemoryStream(bytes), _temp.Path, Ct);
        using var hold = content.Hold()!;
        await content.DisposeAsync();
        Assert.Equal(bytes, hold.Bytes.ToArray());

        await using var spilled = await MessageContent.CopyFromAsync(new MemoryStream(new byte[MessageContent.MemoryLimit + 1]), _temp.Path, pooled: true, Ct);
        Assert.Null(spilled.InMemory);
        Assert.Null(spilled.Hold());
        await using var empty = await MessageContent.CopyFromAsync(new MemoryStream(), _temp.Path, pooled: true, Ct);
        Assert.Equal(0, empty.InMemory!.Value.Length);
    }
}
