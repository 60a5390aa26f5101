using Lucene.Net.Index;
using Vault.Search.Documents;

namespace Vault.Search.Searching;

/// <summary>
/// Which attachment of a hit holds a query word or phrase, read from the position of the match in the postings
/// (attachment n's names and text start at position n × 2^20, see <see cref="AttachmentTokenStream"/>). Costs one
/// postings lookup per word and hit; nothing is stored for it.
/// </summary>
internal sealed record AttachmentMatch(int Attachment, bool InText)
{
    /// <summary>The first attachment (in message order) whose text or name matches, preferring text on a tie; null when none does.</summary>
    public static AttachmentMatch? Find(IndexReader reader, int docId, IReadOnlyList<IReadOnlyList<string>> terms)
    {
        if (terms.Count == 0)
        {
            return null;
        }

        var (leaf, doc) = Leaf(reader, docId);
        AttachmentMatch? best = null;
        foreach (var field in new[] { SearchFields.AttachmentText, SearchFields.Attachment })
        {
            foreach (var words in terms)
            {
                var position = FirstPosition(leaf, field, words, doc);
                if (position < 0)
                {
                    continue;
                }

                var attachment = AttachmentTokenStream.AttachmentOf(position);
                if (best is null || attachment < best.Attachment)
                {
                    best = new AttachmentMatch(attachment, field == SearchFields.AttachmentText);
                }
            }
        }

        return best;
    }

    /// <summary>Whether <paramref name="field"/> of the hit holds the first word of any of <paramref name="terms"/>.</summary>
    public static bool FieldHasAny(IndexReader reader, int docId, string field, IReadOnlyList<IReadOnlyList<string>> terms)
    {
        var (leaf, doc) = Leaf(reader, docId);
        foreach (var words in terms)
        {
            var postings = leaf.GetTermDocsEnum(new Term(field, words[0]));
            if (postings is not null && postings.Advance(doc) == doc)
            {
                return true;
            }
        }

        return false;
    }

    private static (AtomicReader Leaf, int Doc) Leaf(IndexReader reader, int docId)
    {
        var leaves = reader.Leaves;
        var context = leaves[ReaderUtil.SubIndex(docId, leaves)];
        return (context.AtomicReader, docId - context.DocBase);
    }

    /// <summary>Where the phrase (or word) first occurs in the document's field, or -1.</summary>
    private static int FirstPosition(AtomicReader leaf, string field, IReadOnlyList<string> words, int doc)
    {
        var first = Positions(leaf, field, words[0], doc);
        if (first is null)
        {
            return -1;
        }

        if (words.Count == 1)
        {
            return first[0];
        }

        var rest = new List<HashSet<int>>(words.Count - 1);
        for (var i = 1; i < words.Count; i++)
        {
            if (Positions(leaf, field, words[i], doc) is not { } positions)
            {
                return -1;
            }

            rest.Add([.. positions]);
        }

        foreach (var start in first)
        {
            var whole = true;
            for (var i = 0; i < rest.Count && whole; i++)
            {
                whole = rest[i].Contains(start + i + 1);
            }

            if (whole)
            {
                return start;
            }
        }

        return -1;
    }

    private static List<int>? Positions(AtomicReader leaf, string field, string word, int doc)
    {
        var postings = leaf.GetTermPositionsEnum(new Term(field, word));
        if (postings is null || postings.Advance(doc) != doc)
        {
            return null;
        }

        var positions = new List<int>(postings.Freq);
        for (var i = 0; i < postings.Freq; i++)
        {
            positions.Add(postings.NextPosition());
        }

        return positions;
    }
}
