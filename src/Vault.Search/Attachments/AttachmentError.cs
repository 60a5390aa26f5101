namespace Vault.Search.Attachments;

/// <summary>
/// An attachment whose text could not be indexed. <see cref="Index"/> is the attachment's place in the message (as in
/// <c>/api/messages/{id}/attachments/{n}</c>); <see cref="Name"/> names a file inside it too (<c>winmail.dat/report.pdf</c>).
/// </summary>
public sealed record AttachmentError(int Index, string Name, AttachmentFailure Reason, string Message);
