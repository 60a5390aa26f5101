using Vault.Search.Tests.Mailboxes;

namespace Vault.Search.Tests.Attachments;

/// <summary>One scratch index holding every format's sample message (read-only for the tests that share it).</summary>
public sealed class AttachmentFormatIndex : IAsyncLifetime
{
    private readonly Dictionary<string, (AttachmentSample Sample, string Id)> _samples = new(StringComparer.Ordinal);

    internal ScratchIndex Index { get; } = new();

    public async ValueTask InitializeAsync()
    {
        foreach (var sample in AttachmentSamples.All.Append(AttachmentSamples.Tnef()).OfType<AttachmentSample>())
        {
            _samples[sample.Format] = (sample, Index.Add(sample.Message()));
        }

        await Index.Index.CommitAsync(CancellationToken.None);
    }

    internal (AttachmentSample Sample, string Id)? Find(string format) => _samples.TryGetValue(format, out var found) ? found : null;

    public ValueTask DisposeAsync()
    {
        Index.Dispose();
        return ValueTask.CompletedTask;
    }
}
