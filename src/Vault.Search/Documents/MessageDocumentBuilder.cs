using System.Globalization;
using System.Text;
using Lucene.Net.Documents;
using MimeKit;
using MimeKit.Utils;
using Vault.Archive.Messages;
using Vault.Search.Attachments;

namespace Vault.Search.Documents;

/// <summary>
/// Turns a raw message and its archive metadata into one Lucene document. Never throws for a bad message:
/// what MimeKit cannot parse is indexed from its headers alone (or from metadata alone) and flagged
/// <see cref="SearchFields.ParseError"/>, so nothing is skipped silently.
/// </summary>
public static class MessageDocumentBuilder
{
    /// <summary>Text indexed per message, in characters: bounds memory for a 50 MB mail of text.</summary>
    public const int MaxTextChars = 1024 * 1024;

    /// <summary>Text kept in the index for snippets; the rest is re-read from the store when a match lies further in.</summary>
    public const int PreviewChars = 1024;

    private const int MaxDisplayChars = 998;

    private static ParserOptions Parsing => MimeParsing.Options;

    /// <summary>
    /// Builds the document. A seekable <paramref name="raw"/> lets a failed parse fall back to reading the header block alone.
    /// With <paramref name="attachmentText"/> the text inside attachments is indexed too; without it, their names and types only.
    /// </summary>
    public static Document Build(ArchivedMessage metadata, Stream raw, AttachmentTextExtraction? attachmentText, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(raw);
        var start = raw.CanSeek ? raw.Position : -1;
        var document = new Document();
        AddMetadata(document, metadata);
        try
        {
            var message = MessageLoader.TryLoad(raw, cancellationToken);
            if (message is not null)
            {
                var content = MessageTextExtractor.Extract(message, MaxTextChars);
                var date = message.Headers.Contains(HeaderId.Date) && message.Date != DateTimeOffset.MinValue ? message.Date : (DateTimeOffset?)null;
                AddHeaders(document, message.From, message.To, message.Cc, message.Bcc, message.Subject);
                OperatorFieldWriter.AddListId(document, message.Headers[HeaderId.ListId]);
                AddDate(document, date ?? Fallback(metadata));
                AddContent(document, content);
                OperatorFieldWriter.AddFileNames(document, content.Attachments);
                AttachmentFields.Add(document, content.Attachments, attachmentText?.Extract(content.Attachments, cancellationToken));
                return document;
            }
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or NotSupportedException or DecoderFallbackException or InvalidOperationException)
        {
            // One unreadable message never stops indexing: keep whatever the header block still gives.
        }

        document = new Document();
        AddMetadata(document, metadata);
        document.Add(IndexFields.Keyword(SearchFields.ParseError, "true", Field.Store.YES));
        DateTimeOffset? headerDate = null;
        if (start >= 0)
        {
            try
            {
                raw.Position = start;
                var headers = HeaderList.Load(Parsing, raw, cancellationToken);
                AddHeaders(document, Addresses(headers, HeaderId.From), Addresses(headers, HeaderId.To), Addresses(headers, HeaderId.Cc),
                    Addresses(headers, HeaderId.Bcc), headers[HeaderId.Subject]);
                OperatorFieldWriter.AddListId(document, headers[HeaderId.ListId]);
                headerDate = headers[HeaderId.Date] is { } value && DateUtils.TryParse(value, out var parsed) ? parsed : null;
            }
            catch (FormatException)
            {
                AddSummary(document, metadata.Headers);
            }
        }
        else
        {
            AddSummary(document, metadata.Headers);
        }

        AddDate(document, headerDate ?? Fallback(metadata));
        return document;
    }

    /// <summary>The exact keyword an address field stores: the address lower-cased.</summary>
    public static string AddressKeyword(string address) => address.Trim().ToLowerInvariant();

    private static DateTimeOffset Fallback(ArchivedMessage metadata) => metadata.Headers.Date ?? metadata.InternalDate ?? metadata.FirstSeen;

    private static void AddMetadata(Document document, ArchivedMessage metadata)
    {
        document.Add(IndexFields.Keyword(SearchFields.Id, metadata.Id, Field.Store.YES));
        document.Add(IndexFields.Keyword(SearchFields.Source, metadata.SourceId, Field.Store.YES));
        foreach (var folder in metadata.Folders)
        {
            document.Add(IndexFields.Keyword(SearchFields.Folder, folder, Field.Store.YES));
            document.Add(IndexFields.Keyword(SearchFields.FolderMatch, folder.ToLowerInvariant(), Field.Store.NO));
        }

        IndexFields.AddInt64(document, SearchFields.Size, metadata.Size);
        OperatorFieldWriter.AddMetadata(document, metadata);
    }

    private static void AddDate(Document document, DateTimeOffset date)
    {
        var millis = date.ToUniversalTime().ToUnixTimeMilliseconds();
        IndexFields.AddInt64(document, SearchFields.Date, millis);
        document.Add(new NumericDocValuesField(SearchFields.Date, millis));
    }

    private static void AddSummary(Document document, MessageHeaderSummary summary) =>
        AddHeaders(document, Parse(summary.From), Parse(summary.To), [], [], summary.Subject);

    private static void AddHeaders(Document document, InternetAddressList from, InternetAddressList to, InternetAddressList cc, InternetAddressList bcc, string? subject)
    {
        AddAddresses(document, SearchFields.From, from);
        OperatorFieldWriter.AddFrom(document, from);
        AddAddresses(document, SearchFields.To, to);
        AddAddresses(document, SearchFields.Cc, cc);
        AddAddresses(document, SearchFields.Bcc, bcc);
        if (!string.IsNullOrWhiteSpace(subject))
        {
            document.Add(new TextField(SearchFields.Subject, Cap(subject.Trim(), MaxDisplayChars * 4), Field.Store.YES));
        }
    }

    private static void AddAddresses(Document document, string field, InternetAddressList list)
    {
        if (list.Count == 0)
        {
            return;
        }

        var words = new StringBuilder();
        foreach (var mailbox in list.Mailboxes)
        {
            // "Alice Johnson alice.johnson@example.org alice.johnson alice johnson example.org example org":
            // the display name, the whole address, its local part and domain, and their pieces are all findable.
            words.Append(mailbox.Name).Append(' ').Append(mailbox.Address).Append(' ')
                .Append(mailbox.LocalPart).Append(' ').Append(Pieces(mailbox.LocalPart)).Append(' ')
                .Append(mailbox.Domain).Append(' ').Append(Pieces(mailbox.Domain)).Append('\n');
            if (!string.IsNullOrEmpty(mailbox.Address))
            {
                document.Add(IndexFields.Keyword(field + SearchFields.AddressSuffix, AddressKeyword(mailbox.Address), Field.Store.NO));
            }
        }

        document.Add(new TextField(field, words.ToString(), Field.Store.NO));
        if (field is SearchFields.From or SearchFields.To)
        {
            document.Add(new StoredField(field + SearchFields.DisplaySuffix, Cap(list.ToString(), MaxDisplayChars)));
        }
    }

    private static void AddContent(Document document, MessageTextContent content)
    {
        document.Add(new TextField(SearchFields.Body, content.Text, Field.Store.NO));
        document.Add(new StoredField(SearchFields.Preview, Cap(content.Text, PreviewChars)));
    }

    /// <summary>"alice.johnson" as "alice johnson": the pieces of a name that UAX #29 keeps as one word.</summary>
    internal static string Pieces(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var chars = value.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] is '.' or '_' or '-' or '+' or '/' or '\'')
            {
                chars[i] = ' ';
            }
        }

        return new string(chars);
    }

    private static InternetAddressList Addresses(HeaderList headers, HeaderId id) => Parse(headers[id]);

    private static InternetAddressList Parse(string? value) =>
        value is not null && InternetAddressList.TryParse(Parsing, value, out var list) ? list : [];

    private static string Cap(string value, int max) => value.Length <= max ? value : value[..max];

    internal static string FormatDate(long millis) =>
        DateTimeOffset.FromUnixTimeMilliseconds(millis).ToString("O", CultureInfo.InvariantCulture);
}
