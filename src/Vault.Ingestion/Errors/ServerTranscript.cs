namespace Vault.Ingestion.Errors;

/// <summary>
/// What the server said on a connection, as far as it matters for classifying a failure: its greeting, its
/// last lines (never the client's, so no credentials), <c>[ALERT]</c> texts, the <c>[WEBALERT url]</c> URL, and
/// whether our certificate check rejected the server's certificate.
/// </summary>
public sealed record ServerTranscript(
    string? Greeting,
    IReadOnlyList<string> LastLines,
    IReadOnlyList<string> Alerts,
    Uri? WebAlertUrl,
    bool CertificateRejected)
{
    public static ServerTranscript Empty { get; } = new(null, [], [], null, false);
}
