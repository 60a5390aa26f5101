using MimeKit;

namespace Vault.Search.Attachments;

/// <summary>
/// A file before it is read: names, declared type and charset, and either its decoded bytes as a stream or a parsed
/// message. <see cref="SizeBound"/> is the most bytes the stream can hold, 0 when unknown.
/// </summary>
internal sealed record AttachmentSource(string FileName, string Path, string MimeType, string? Charset, Stream? Content, MimeMessage? Message, long SizeBound = 0);
