using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Vault.Archive.KeyProtection;

/// <summary>
/// Says once at start what protects the mailbox passwords. It stands in for Data Protection's own warning ("No XML
/// encryptor configured..."), which names no setting a newcomer could change; the host filters that one out.
/// </summary>
internal sealed class KeyProtectionReport(KeyProtectionSummary summary, ILogger<KeyProtectionReport>? logger = null) : IHostedService
{
    // A host always has logging; a bare service collection (the store's own tests) may not.
    private readonly ILogger _logger = logger ?? NullLogger<KeyProtectionReport>.Instance;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        switch (summary.Kind)
        {
            case KeyProtectionKind.KeyFile:
                KeyProtectionLog.ProtectedByKeyFile(_logger, summary.KeyRing, summary.Protector!, summary.Identity!);
                break;
            case KeyProtectionKind.Certificate:
                KeyProtectionLog.ProtectedByCertificate(_logger, summary.KeyRing, summary.Protector!, summary.Identity!);
                break;
            default:
                KeyProtectionLog.Unprotected(_logger, summary.KeyRing, summary.Readers);
                break;
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
