using MimeKit;

namespace Vault.Search.Attachments;

/// <summary>A file before it is read: names, declared type and charset, and either its decoded bytes as a stream or a parsed message.</summary>
internal sealed record AttachmentSource(string FileName, string Path, string MimeType, string? Charset, Stream? Content, MimeMessage? Message);
