using Lucene.Net.Documents;
using Lucene.Net.Index;

namespace Vault.Search.Documents;

/// <summary>
/// The untokenized fields of a message document, made for <see cref="Analysis.IndexAnalyzer"/>: a keyword is the exact
/// value as one term (what a StringField indexes), an Int64 the prefix-coded terms of a number (what an Int64Field
/// indexes), with the number stored beside it. Only the names listed here may be made so; any other is a mistake the
/// analyzer would otherwise tokenize as text.
/// </summary>
public static class IndexFields
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        SearchFields.Id, SearchFields.Source, SearchFields.Folder, SearchFields.FolderMatch, SearchFields.ParseError, SearchFields.Has,
        SearchFields.From + SearchFields.AddressSuffix, SearchFields.To + SearchFields.AddressSuffix,
        SearchFields.Cc + SearchFields.AddressSuffix, SearchFields.Bcc + SearchFields.AddressSuffix,
        OperatorFields.Flag, OperatorFields.MessageId, OperatorFields.ListId, OperatorFields.FileName,
    };

    private static readonly HashSet<string> Int64s = new(StringComparer.Ordinal) { SearchFields.Date, SearchFields.Size };

    private static readonly FieldType KeywordType = Frozen(new FieldType { IsIndexed = true, IsTokenized = true, OmitNorms = true, IndexOptions = IndexOptions.DOCS_ONLY });

    private static readonly FieldType StoredKeywordType = Frozen(new FieldType(KeywordType) { IsStored = true });

    public static bool IsKeyword(string name) => Keywords.Contains(name);

    public static bool IsInt64(string name) => Int64s.Contains(name);

    /// <summary>A keyword term, stored too when <paramref name="store"/> is Field.Store.YES.</summary>
    public static Field Keyword(string name, string value, Field.Store store)
    {
        if (!IsKeyword(name))
        {
            throw new ArgumentException($"{name} is not a keyword field of the index.", nameof(name));
        }

        return new Field(name, value, store == Field.Store.YES ? StoredKeywordType : KeywordType);
    }

    /// <summary>Adds a number findable by range and stored.</summary>
    public static void AddInt64(Document document, string name, long value)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (!IsInt64(name))
        {
            throw new ArgumentException($"{name} is not a numeric field of the index.", nameof(name));
        }

        // The stored number first: Document.GetField(name) gives the first field of a name.
        document.Add(new StoredField(name, value));
        document.Add(new Field(name, value.ToString(System.Globalization.CultureInfo.InvariantCulture), KeywordType));
    }

    private static FieldType Frozen(FieldType type)
    {
        type.Freeze();
        return type;
    }
}
