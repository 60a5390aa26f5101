namespace Vault.Api.Messages;

/// <summary>
/// The Content-Type an attachment is served with. Attachments come from anyone who can send mail, so only a small list
/// of passive types keeps its own type; everything else (HTML, SVG, XML, JavaScript, and whatever is not known to be
/// passive) is served as <c>application/octet-stream</c>, which no browser renders or runs. Every attachment is also
/// sent with <c>Content-Disposition: attachment</c> and <c>nosniff</c>.
/// </summary>
public static class AttachmentContentTypes
{
    public const string Download = "application/octet-stream";

    private static readonly HashSet<string> Passive = new(StringComparer.OrdinalIgnoreCase)
    {
        "text/plain", "text/csv", "application/pdf", "application/zip",
        "image/png", "image/jpeg", "image/gif", "image/webp",
        "audio/mpeg", "video/mp4",
    };

    public static string ForDownload(string? declared) =>
        declared is not null && Passive.Contains(declared.Split(';', 2)[0].Trim()) ? declared.Split(';', 2)[0].Trim().ToLowerInvariant() : Download;
}
