using System.Diagnostics.Metrics;
using Vault.Archive;

namespace Vault.Search.Attachments;

/// <summary>The attachment reader's instrument on the <c>Vault</c> meter.</summary>
public sealed class AttachmentMetrics
{
    private readonly Counter<long> _failed;

    public AttachmentMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(VaultTelemetry.MeterName);
        _failed = meter.CreateCounter<long>("vault.attachments.failed", "{attachment}", "Attachments (or files inside them) whose text could not be indexed, by reason.");
    }

    public void Failed(AttachmentFailure reason) => _failed.Add(1, new KeyValuePair<string, object?>("reason", reason.ToString()));
}
