using Lucene.Net.Documents;
using Lucene.Net.Util;
using MimeKit;
using Vault.Archive.Messages;

namespace Vault.Search.Documents;

/// <summary>
/// Adds the fields of <see cref="OperatorFields"/> to a message document. Everything comes from the archive (its
/// metadata and the stored bytes), so a reindex from the store gives an existing archive these fields.
/// </summary>
public static class OperatorFieldWriter
{
    /// <summary>Flags, deletion, Message-ID and the folder and source facets: what the store's metadata knows.</summary>
    public static void AddMetadata(Document document, ArchivedMessage metadata)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(metadata);
        foreach (var flag in FlagTerms(metadata.Flags, metadata.DeletedOnServerAt is not null))
        {
            document.Add(IndexFields.Keyword(OperatorFields.Flag, flag, Field.Store.NO));
        }

        if (metadata.DeletedOnServerAt is { } deleted)
        {
            document.Add(new StoredField(OperatorFields.DeletedOnServerAt, deleted.UtcTicks));
        }

        if (MessageIdKeyword(metadata.Headers.MessageIdHeader) is { } messageId)
        {
            document.Add(IndexFields.Keyword(OperatorFields.MessageId, messageId, Field.Store.NO));
        }

        foreach (var folder in metadata.Folders)
        {
            document.Add(new SortedSetDocValuesField(OperatorFields.FolderFacet, new BytesRef(folder)));
        }

        document.Add(new SortedSetDocValuesField(OperatorFields.SourceFacet, new BytesRef(metadata.SourceId)));
    }

    /// <summary>The From addresses for the from facet (the index has them as <c>from_addr</c> terms already).</summary>
    public static void AddFrom(Document document, InternetAddressList from)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(from);
        foreach (var address in from.Mailboxes.Select(m => m.Address).Where(a => !string.IsNullOrWhiteSpace(a)).Select(MessageDocumentBuilder.AddressKeyword).Distinct(StringComparer.Ordinal))
        {
            document.Add(new SortedSetDocValuesField(OperatorFields.FromFacet, new BytesRef(address)));
        }
    }

    /// <summary>The List-Id header's value (RFC 2919), raw; null or blank adds nothing.</summary>
    public static void AddListId(Document document, string? listId)
    {
        ArgumentNullException.ThrowIfNull(document);
        foreach (var term in ListIdTerms(listId))
        {
            document.Add(IndexFields.Keyword(OperatorFields.ListId, term, Field.Store.NO));
        }
    }

    public static void AddFileNames(Document document, IReadOnlyList<MessageAttachment> attachments)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(attachments);
        var terms = new HashSet<string>(StringComparer.Ordinal);
        foreach (var attachment in attachments)
        {
            terms.UnionWith(FileNameTerms(attachment.FileName));
        }

        foreach (var term in terms)
        {
            document.Add(IndexFields.Keyword(OperatorFields.FileName, term, Field.Store.NO));
        }
    }

    /// <summary>IMAP flags are case-insensitive atoms (RFC 3501 §2.3.2); keywords other than the system flags are not searchable yet.</summary>
    public static IEnumerable<string> FlagTerms(IReadOnlyList<string> flags, bool deletedOnServer)
    {
        ArgumentNullException.ThrowIfNull(flags);
        bool Has(string flag) => flags.Contains(flag, StringComparer.OrdinalIgnoreCase);
        yield return Has("\\Seen") ? OperatorFields.Seen : OperatorFields.Unseen;
        if (Has("\\Answered"))
        {
            yield return OperatorFields.Answered;
        }

        if (Has("\\Flagged"))
        {
            yield return OperatorFields.Flagged;
        }

        if (Has("\\Draft"))
        {
            yield return OperatorFields.Draft;
        }

        if (deletedOnServer)
        {
            yield return OperatorFields.Deleted;
        }
    }

    /// <summary>
    /// "&lt;Abc.123@Example.org&gt;" -> "abc.123@example.org": the msg-id between the first angle brackets (RFC 5322
    /// §3.6.4), or the whole trimmed value when a sender left them out; null when nothing is left.
    /// </summary>
    public static string? MessageIdKeyword(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value.Trim();
        var open = text.IndexOf('<', StringComparison.Ordinal);
        var close = open < 0 ? -1 : text.IndexOf('>', open + 1);
        if (open >= 0 && close > open + 1)
        {
            text = text[(open + 1)..close];
        }

        text = text.Trim().Trim('<', '>').Trim();
        return text.Length == 0 ? null : text.ToLowerInvariant();
    }

    /// <summary>
    /// "Dev discussion &lt;dev.lists.example.org&gt;" -> dev.lists.example.org, its labels (dev, lists, example, org)
    /// and its suffixes (lists.example.org, example.org), so <c>list:dev</c> and <c>list:lists.example.org</c> both match.
    /// </summary>
    public static IReadOnlyList<string> ListIdTerms(string? value)
    {
        if (MessageIdKeyword(value) is not { } id)
        {
            return [];
        }

        var terms = new List<string> { id };
        var labels = id.Split('.', StringSplitOptions.RemoveEmptyEntries);
        terms.AddRange(labels);
        for (var i = 1; i < labels.Length - 1; i++)
        {
            terms.Add(string.Join('.', labels[i..]));
        }

        return terms.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>"Q1 Report.PDF" -> "q1 report.pdf", "q1 report" and "pdf".</summary>
    public static IReadOnlyList<string> FileNameTerms(string? fileName)
    {
        if (string.IsNullOrWhiteSpace(fileName))
        {
            return [];
        }

        var name = fileName.Trim().ToLowerInvariant();
        var terms = new List<string> { name };
        var dot = name.LastIndexOf('.');
        if (dot > 0 && dot < name.Length - 1)
        {
            terms.Add(name[..dot]);
            terms.Add(name[(dot + 1)..]);
        }

        return terms;
    }
}
