using MimeKit;

namespace Vault.Search.Attachments;

/// <summary>
/// One file to read: its name (<see cref="Path"/> also names the containers it sits in: <c>winmail.dat/report.pdf</c>),
/// declared type and charset, and its decoded bytes. An attached message that MimeKit has already parsed comes as
/// <see cref="Message"/>, with no bytes.
/// </summary>
internal sealed record AttachmentContent(string FileName, string Path, string MimeType, string? Charset, ArraySegment<byte> Bytes, int Depth, MimeMessage? Message = null)
{
    public MemoryStream OpenRead() => Bytes.Array is null ? new MemoryStream([], writable: false) : new MemoryStream(Bytes.Array, Bytes.Offset, Bytes.Count, writable: false);
}
