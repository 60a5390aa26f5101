namespace Vault.Ingestion.Sync;

/// <summary>The <c>Vault:Sync</c> section: how often and how hard the engine talks to a mail server.</summary>
public sealed class SyncOptions
{
    public const string SectionName = "Vault:Sync";

    /// <summary>How often folders are polled, and how often INBOX is re-checked even while idling.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>IDLE is re-issued after this long; RFC 2177 §3 lets a server cut an idler after 29 minutes.</summary>
    public TimeSpan IdleRefresh { get; set; } = TimeSpan.FromMinutes(25);

    /// <summary>
    /// Connections one source may hold at once. With 2 (the default) INBOX keeps idling while another, short-lived
    /// connection polls the other folders every poll interval; with 1 the idling connection polls them itself.
    /// </summary>
    public int MaxConnectionsPerSource { get; set; } = 2;

    /// <summary>Bulk imports that run at once in this process; the other sources wait in line (<c>progress.waiting</c>).</summary>
    public int MaxConcurrentImports { get; set; } = 8;

    public int BatchMaxMessages { get; set; } = 200;

    public long BatchMaxBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>
    /// Fetched mail this process holds in memory at once, all sources together (<see cref="InFlightBudget"/>). A message
    /// above <see cref="LargeMessageBytes"/> costs one piece of itself while it is fetched (it goes to a temp file),
    /// a smaller one its size until its batch is committed.
    /// </summary>
    public long MaxInFlightBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// IMAP messages above this (by RFC822.SIZE) are fetched in pieces of this size (<c>BODY.PEEK[]&lt;offset.length&gt;</c>,
    /// RFC 3501 §6.4.5), each written to a temp file as it arrives; smaller ones come whole, many to a FETCH.
    /// </summary>
    public int LargeMessageBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>A UID that failed this many times is given up (and stays recorded on the folder's retry list).</summary>
    public int MaxFetchAttempts { get; set; } = 5;

    public static readonly TimeSpan MaxIdleRefresh = TimeSpan.FromMinutes(29);
}
