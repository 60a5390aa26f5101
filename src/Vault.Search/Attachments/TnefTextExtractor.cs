using MimeKit.Tnef;
using Vault.Search.Documents;

namespace Vault.Search.Attachments;

/// <summary>
/// TNEF (winmail.dat, MS-OXTNEF) through MimeKit's <see cref="TnefReader"/>: the message's plain-text body, and each file
/// attached inside it, read by its own extractor as if it were attached to the mail itself. Each file starts with an
/// attAttachRenderData attribute (MS-OXTNEF §2.1.3.3); its name comes from attAttachTitle or, preferably, the long file
/// name among its MAPI properties, its bytes from attAttachData.
/// </summary>
internal sealed class TnefTextExtractor : IAttachmentTextExtractor
{
    public void Extract(AttachmentContent attachment, AttachmentTextWriter text, CancellationToken cancellationToken)
    {
        using var reader = new TnefReader(attachment.OpenRead(), 0, TnefComplianceMode.Loose);
        var file = new TnefFile();
        while (!text.IsFull && reader.ReadNextAttribute())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (reader.AttributeLevel == TnefAttributeLevel.Message)
            {
                MessageAttribute(reader, text);
                continue;
            }

            switch (reader.AttributeTag)
            {
                case TnefAttributeTag.AttachRenderData:
                    file.AppendTo(text, attachment, cancellationToken);
                    file = new TnefFile();
                    break;
                case TnefAttributeTag.AttachTitle:
                    file.Title = reader.TnefPropertyReader.ReadValueAsString();
                    break;
                case TnefAttributeTag.AttachData:
                    file.Data = reader.TnefPropertyReader.ReadValueAsBytes();
                    break;
                case TnefAttributeTag.Attachment:
                    AttachmentProperties(reader.TnefPropertyReader, file);
                    break;
            }
        }

        file.AppendTo(text, attachment, cancellationToken);
    }

    private static void MessageAttribute(TnefReader reader, AttachmentTextWriter text)
    {
        var properties = reader.TnefPropertyReader;
        switch (reader.AttributeTag)
        {
            case TnefAttributeTag.Body:
                text.Append(properties.ReadValueAsString());
                text.Break(TextBreak.Line);
                break;
            case TnefAttributeTag.MapiProperties:
                while (properties.ReadNextProperty())
                {
                    if (properties.PropertyTag.Id == TnefPropertyId.Body && IsText(properties.PropertyTag.ValueTnefType))
                    {
                        text.Append(properties.ReadValueAsString());
                        text.Break(TextBreak.Line);
                    }
                }

                break;
        }
    }

    private static void AttachmentProperties(TnefPropertyReader properties, TnefFile file)
    {
        while (properties.ReadNextProperty())
        {
            switch (properties.PropertyTag.Id)
            {
                case TnefPropertyId.AttachLongFilename when IsText(properties.PropertyTag.ValueTnefType):
                    file.LongName = properties.ReadValueAsString();
                    break;
                case TnefPropertyId.AttachFilename when IsText(properties.PropertyTag.ValueTnefType):
                    file.ShortName = properties.ReadValueAsString();
                    break;
                case TnefPropertyId.AttachMimeTag when IsText(properties.PropertyTag.ValueTnefType):
                    file.MimeType = properties.ReadValueAsString();
                    break;

                // An attached file (not an embedded message or OLE object) may carry its bytes here instead of in attAttachData.
                case TnefPropertyId.AttachData when properties.PropertyTag.ValueTnefType == TnefPropertyType.Binary && !properties.IsEmbeddedMessage:
                    file.Data ??= properties.ReadValueAsBytes();
                    break;
            }
        }
    }

    private static bool IsText(TnefPropertyType type) => type is TnefPropertyType.String8 or TnefPropertyType.Unicode;

    private sealed class TnefFile
    {
        public string? Title { get; set; }

        public string? LongName { get; set; }

        public string? ShortName { get; set; }

        public string? MimeType { get; set; }

        public byte[]? Data { get; set; }

        public void AppendTo(AttachmentTextWriter text, AttachmentContent container, CancellationToken cancellationToken)
        {
            if (Data is null)
            {
                return;
            }

            var name = LongName ?? ShortName ?? Title;
            text.AppendFile(name, MimeType, Data, container.Path, container.Depth + 1, cancellationToken);
        }
    }
}
