namespace Vault.Api.Messages;

/// <summary>
/// An attachment whose text is not searchable: <see cref="Index"/> as in <see cref="AttachmentEntry"/>, <see cref="Name"/>
/// (with the file inside it, <c>winmail.dat/report.pdf</c>), <see cref="Reason"/> (Encrypted, Unreadable, TooLarge,
/// TimedOut) and <see cref="Error"/>, a sentence for people.
/// </summary>
public sealed record AttachmentErrorEntry(int Index, string Name, string Reason, string Error);
