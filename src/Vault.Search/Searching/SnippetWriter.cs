using System.Globalization;
using System.Text;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Vault.Search.Documents;

namespace Vault.Search.Searching;

/// <summary>
/// Our small stand-in for Lucene's Highlighter: runs the index analyzer over the text (so matching folds case and
/// accents exactly as the search did), finds the first occurrence of any query word, prefix ("budg*") or phrase, and cuts ~160
/// characters around it on word boundaries, blanks collapsed, with the offsets of every match inside.
/// </summary>
public sealed class SnippetWriter(Analyzer analyzer)
{
    public const int Width = 160;
    private const int Lead = 50;

    /// <summary>
    /// Below this many characters (a stored preview) the analyzer reads text with other than ASCII characters from its
    /// start: cheaper than the culture-aware search (ICU collation) for a starting point, 3-4% of the CPU time of searches
    /// in the profile.
    /// </summary>
    private const int JumpAbove = 8 * 1024;

    /// <summary>The snippet around the first match, or null when no query word occurs in <paramref name="text"/>.</summary>
    public Snippet? Find(string text, IReadOnlyList<IReadOnlyList<string>> terms)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(terms);
        if (terms.Count == 0 || text.Length == 0)
        {
            return null;
        }

        // Jump close to the first likely match instead of analyzing 100 KB of text in front of it; the analyzer still
        // decides what a match is. In ASCII text every word the analyzer makes is a piece of the text in lower case
        // (nothing to fold), so a match starts no earlier than the first place a query's first word occurs, ignoring
        // case, and without one there is none (a vectorized search, not an analysis: 7% less CPU per search at 100,000
        // messages, README, Benchmark).
        int near;
        if (!text.AsSpan().ContainsAnyExceptInRange((char)0, (char)0x7f))
        {
            var first = FirstOrdinal(text, terms);
            if (first < 0)
            {
                return null;
            }

            near = JumpTo(text, first);
        }
        else
        {
            near = text.Length > JumpAbove ? JumpTo(text, FirstCultural(text, terms)) : 0;
        }

        var matches = near > 0 ? Matches(text, near, terms) : [];
        if (matches.Count == 0)
        {
            matches = Matches(text, 0, terms);
        }

        if (matches.Count == 0)
        {
            return null;
        }

        var start = matches[0].Start <= Lead ? 0 : WordStart(text, matches[0].Start - Lead);
        var end = Math.Min(text.Length, start + Width);
        if (end < text.Length)
        {
            end = Math.Max(WordEnd(text, end), matches[0].Start + matches[0].Length);
        }

        return Cut(text, start, end, matches);
    }

    /// <summary>The start of the text when nothing matches there.</summary>
    public static Snippet Leading(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var end = Math.Min(text.Length, Width);
        return Cut(text, 0, end < text.Length ? WordEnd(text, end) : end, []);
    }

    /// <summary>Where the first query word first occurs, ignoring case (ordinal, for ASCII text); -1 where none does.</summary>
    private static int FirstOrdinal(string text, IReadOnlyList<IReadOnlyList<string>> terms)
    {
        var first = int.MaxValue;
        foreach (var words in terms)
        {
            var at = text.AsSpan().IndexOf(words[0].AsSpan().TrimEnd('*'), StringComparison.OrdinalIgnoreCase);
            if (at >= 0)
            {
                first = Math.Min(first, at);
            }
        }

        return first == int.MaxValue ? -1 : first;
    }

    /// <summary>Where the first query word first occurs, ignoring case and accents (culture-aware); -1 where none does.</summary>
    private static int FirstCultural(string text, IReadOnlyList<IReadOnlyList<string>> terms)
    {
        var compare = CultureInfo.InvariantCulture.CompareInfo;
        var first = int.MaxValue;
        foreach (var words in terms)
        {
            var at = compare.IndexOf(text, words[0].TrimEnd('*'), CompareOptions.IgnoreCase | CompareOptions.IgnoreNonSpace);
            if (at >= 0)
            {
                first = Math.Min(first, at);
            }
        }

        return first == int.MaxValue ? -1 : first;
    }

    /// <summary>A word's start some way before <paramref name="first"/>, for the analyzer to start at; 0 when that is near the start anyway.</summary>
    private static int JumpTo(string text, int first) => first < 2 * Width ? 0 : WordStart(text, first - Width);

    private List<SnippetHighlight> Matches(string text, int from, IReadOnlyList<IReadOnlyList<string>> terms)
    {
        var tokens = new List<(string Word, int Start, int End)>();
        var matches = new List<SnippetHighlight>();
        var longest = terms.Max(t => t.Count);
        using var stream = analyzer.GetTokenStream(SearchFields.Body, from == 0 ? text : text[from..]);
        var term = stream.AddAttribute<ICharTermAttribute>();
        var offset = stream.AddAttribute<IOffsetAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            tokens.Add((term.ToString(), from + offset.StartOffset, from + offset.EndOffset));
            if (tokens.Count > longest)
            {
                tokens.RemoveAt(0);
            }

            foreach (var words in terms)
            {
                if (EndsWith(tokens, words))
                {
                    var first = tokens[^words.Count];
                    matches.Add(new SnippetHighlight(first.Start, tokens[^1].End - first.Start));
                    break;
                }
            }

            if (matches.Count > 0 && tokens[^1].Start > matches[0].Start + Width)
            {
                break;
            }
        }

        stream.End();
        return matches;
    }

    private static bool EndsWith(List<(string Word, int Start, int End)> tokens, IReadOnlyList<string> words)
    {
        if (tokens.Count < words.Count)
        {
            return false;
        }

        for (var i = 0; i < words.Count; i++)
        {
            var token = tokens[tokens.Count - words.Count + i].Word;
            var word = words[i];

            // A prefix query's word ("budg*") matches every word that starts with it.
            var matches = word.EndsWith('*')
                ? token.StartsWith(word.AsSpan(0, word.Length - 1), StringComparison.Ordinal)
                : string.Equals(token, word, StringComparison.Ordinal);
            if (!matches)
            {
                return false;
            }
        }

        return true;
    }

    private static int WordStart(string text, int at)
    {
        var i = at;
        while (i < text.Length && !char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return i;
    }

    private static int WordEnd(string text, int at)
    {
        var i = at;
        while (i > 0 && !char.IsWhiteSpace(text[i - 1]))
        {
            i--;
        }

        return i == 0 ? at : i;
    }

    private static Snippet Cut(string text, int start, int end, List<SnippetHighlight> matches)
    {
        var output = new StringBuilder(end - start + 2);
        var highlights = new List<SnippetHighlight>();
        if (start > 0)
        {
            output.Append('…');
        }

        var match = 0;
        var blank = false;
        var highlightStart = -1;
        for (var i = start; i < end; i++)
        {
            while (match < matches.Count && matches[match].Start + matches[match].Length <= i && highlightStart < 0)
            {
                match++;
            }

            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                blank = true;
            }
            else
            {
                if (blank && output.Length > 0 && output[^1] != '…')
                {
                    output.Append(' ');
                }

                blank = false;
                if (match < matches.Count && i == matches[match].Start)
                {
                    highlightStart = output.Length;
                }

                output.Append(c);
            }

            if (highlightStart >= 0 && i == matches[match].Start + matches[match].Length - 1)
            {
                highlights.Add(new SnippetHighlight(highlightStart, output.Length - highlightStart));
                highlightStart = -1;
                match++;
            }
        }

        if (end < text.Length)
        {
            output.Append('…');
        }

        return new Snippet(output.ToString(), highlights);
    }
}
