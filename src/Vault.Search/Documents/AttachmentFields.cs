using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Lucene.Net.Documents;
using Vault.Search.Attachments;

namespace Vault.Search.Documents;

/// <summary>
/// The attachment fields of a message document: names and types (always), text and a stored preview of each
/// (with attachment text on), and the attachments that could not be read. Names and text are positioned per attachment
/// (<see cref="AttachmentTokenStream"/>), so a hit can say which attachment matched.
/// </summary>
internal static class AttachmentFields
{
    /// <summary>Characters of each attachment's text kept in the index for snippets; a match further in re-reads the attachment.</summary>
    public const int PreviewChars = 16 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static void Add(Document document, IReadOnlyList<MessageAttachment> attachments, AttachmentTextResult? texts)
    {
        if (attachments.Count == 0)
        {
            return;
        }

        document.Add(IndexFields.Keyword(SearchFields.Has, SearchFields.HasAttachmentValue, Field.Store.YES));
        var names = new string[attachments.Count];
        for (var i = 0; i < attachments.Count; i++)
        {
            var attachment = attachments[i];

            // "Q1 report.pdf" keeps "report.pdf" as one UAX #29 word; the pieces make attachment:report and attachment:pdf match too.
            var words = new StringBuilder()
                .Append(attachment.FileName).Append(' ').Append(MessageDocumentBuilder.Pieces(attachment.FileName)).Append(' ')
                .Append(attachment.ContentType).Append(' ').Append(MessageDocumentBuilder.Pieces(attachment.ContentType));
            foreach (var inner in texts?.Attachments[i].InnerNames ?? [])
            {
                words.Append(' ').Append(inner).Append(' ').Append(MessageDocumentBuilder.Pieces(inner));
            }

            names[i] = words.ToString();
            document.Add(new StoredField(SearchFields.AttachmentName, AttachmentTextExtraction.NameOf(attachment)));
        }

        document.Add(new TextField(SearchFields.Attachment, new AttachmentTokenStream(names)));
        if (texts is null)
        {
            return;
        }

        if (texts.Attachments.Any(t => t.Text.Length > 0))
        {
            document.Add(new TextField(SearchFields.AttachmentText, new AttachmentTokenStream(texts.Attachments.Select(t => t.Text).ToArray())));
            foreach (var text in texts.Attachments)
            {
                document.Add(new StoredField(SearchFields.AttachmentPreview, text.Text.Length <= PreviewChars ? text.Text : text.Text[..PreviewChars]));
            }
        }

        foreach (var error in texts.Errors)
        {
            document.Add(new StoredField(SearchFields.AttachmentError, JsonSerializer.Serialize(error, Json)));
        }
    }

    /// <summary>The errors a document records, in the order they were found.</summary>
    public static IReadOnlyList<AttachmentError> Errors(Document document) =>
        document.GetValues(SearchFields.AttachmentError, System.Globalization.CultureInfo.InvariantCulture)
            .Select(json => JsonSerializer.Deserialize<AttachmentError>(json, Json))
            .OfType<AttachmentError>()
            .ToList();
}
