using MimeKit;
using Vault.Archive.Messages;
using Vault.Search.Documents;

namespace Vault.Search.Attachments;

/// <summary>
/// An attached message (message/rfc822, or an .eml sent as a file): who sent it to whom, its subject and the text of its
/// own body. A message/rfc822 part comes parsed, and its attachments (attached messages among them) are attachments of
/// the mail already, one level deeper (the MIME walk lists them); an .eml file is parsed here, and its attachments are
/// read as files inside it, one level deeper, so the depth cap holds either way.
/// </summary>
internal sealed class AttachedMessageTextExtractor : IAttachmentTextExtractor
{
    public void Extract(AttachmentContent attachment, AttachmentTextWriter text, CancellationToken cancellationToken)
    {
        var message = attachment.Message;
        var parsedHere = message is null;
        // Parsed in place (persistent content): the stream stays open while the message's parts are read.
        using var stream = parsedHere ? attachment.OpenRead() : null;
        if (message is null)
        {
            message = MessageLoader.TryLoad(stream!, cancellationToken)
                ?? throw new AttachmentTextException(AttachmentFailure.Unreadable, "It is not a readable email message.");
        }

        foreach (var addresses in new[] { message.From, message.To, message.Cc })
        {
            foreach (var mailbox in addresses.Mailboxes)
            {
                text.Append(mailbox.Name ?? string.Empty);
                text.Break(TextBreak.Blank);
                text.Append(mailbox.Address ?? string.Empty);
                text.Break(TextBreak.Line);
            }
        }

        text.Append(message.Subject ?? string.Empty);
        text.Break(TextBreak.Line);
        var content = MessageTextExtractor.Extract(message, text.Room, intoAttachedMessages: false);
        text.Append(content.Text);
        if (!parsedHere)
        {
            return;
        }

        foreach (var inner in content.Attachments)
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (inner.Entity)
            {
                case MessagePart { Message: not null } forwarded:
                    text.AppendMessage(inner.FileName, forwarded.Message, attachment.Path, attachment.Depth + 1, cancellationToken);
                    break;
                case MimePart { Content: not null } part:
                    using (var decoded = new MemoryStream())
                    {
                        part.Content.DecodeTo(decoded, cancellationToken);
                        text.AppendFile(inner.FileName, inner.ContentType, new ArraySegment<byte>(decoded.GetBuffer(), 0, (int)decoded.Length), attachment.Path, attachment.Depth + 1, cancellationToken);
                    }

                    break;
            }
        }
    }
}
