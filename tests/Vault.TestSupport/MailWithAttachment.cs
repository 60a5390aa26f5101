using MimeKit;

namespace Vault.TestSupport;

/// <summary>A message with a short body and the given attachments, as the raw bytes an IMAP server would hand over.</summary>
public static class MailWithAttachment
{
    public static byte[] Create(string subject, params (string? FileName, string ContentType, byte[] Content)[] attachments)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Anna Sender", "anna@example.test"));
        message.To.Add(new MailboxAddress("Archive", "archive@example.test"));
        message.Subject = subject;
        message.Date = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);
        message.MessageId = $"{Guid.NewGuid():N}@example.test";
        var mixed = new Multipart("mixed") { new TextPart("plain") { Text = "Please see the attachment." } };
        foreach (var (fileName, contentType, content) in attachments)
        {
            mixed.Add(Part(fileName, contentType, content));
        }

        message.Body = mixed;
        using var output = new MemoryStream();
        message.WriteTo(output);
        return output.ToArray();
    }

    private static MimeEntity Part(string? fileName, string contentType, byte[] content)
    {
        var type = ContentType.Parse(contentType);
        if (type.IsMimeType("message", "rfc822"))
        {
            return new MessagePart { Message = MimeMessage.Load(new MemoryStream(content)) };
        }

        var part = new MimePart(type)
        {
            Content = new MimeContent(new MemoryStream(content)),
            ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
            ContentTransferEncoding = ContentEncoding.Base64,
        };
        if (fileName is not null)
        {
            part.FileName = fileName;
        }

        return part;
    }
}
