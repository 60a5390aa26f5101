using System.Globalization;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;
using Vault.Search.Documents;

namespace Vault.Search.Searching;

/// <summary>
/// Counts facet values over every document a query matches, as a collector beside the one that keeps the page: folder,
/// from and source from sorted-set doc values (<see cref="OperatorFields"/>), year from the dates the sort keeps in
/// memory (<see cref="DateSort"/>).
/// Stored fields are never loaded, so the cost grows with the number of hits, not with what the hits hold.
/// Counts are per segment by ordinal and turned into values once per segment, only for the ordinals seen.
/// </summary>
internal sealed class FacetCounter(IReadOnlyList<SearchFacet> facets) : ICollector
{
    /// <summary>How many values of each facet the response lists, the most frequent first.</summary>
    public const int TopValues = 20;

    private readonly Dictionary<SearchFacet, Dictionary<string, long>> _totals = facets.Distinct().ToDictionary(f => f, _ => new Dictionary<string, long>(StringComparer.Ordinal));
    private readonly List<Segment> _segments = [];
    private readonly Dictionary<int, long> _years = [];
    private long[]? _dates;

    public bool AcceptsDocsOutOfOrder => true;

    public void SetScorer(Scorer scorer)
    {
    }

    public void SetNextReader(AtomicReaderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Fold();
        var reader = context.AtomicReader;
        _dates = _totals.ContainsKey(SearchFacet.Year) && reader.GetNumericDocValues(SearchFields.Date) is not null ? DateSort.Of(reader) : null;
        foreach (var facet in _totals.Keys.Where(f => f != SearchFacet.Year))
        {
            if (reader.GetSortedSetDocValues(FieldOf(facet)) is { } values)
            {
                _segments.Add(new Segment(facet, values));
            }
        }
    }

    public void Collect(int doc)
    {
        foreach (var segment in _segments)
        {
            segment.Collect(doc);
        }

        if (_dates is not null)
        {
            var year = DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(_dates[doc], Earliest, Latest)).Year;
            _years[year] = _years.GetValueOrDefault(year) + 1;
        }
    }

    /// <summary>The top values of each facet asked for, in the order asked; call once the search has run.</summary>
    public IReadOnlyDictionary<SearchFacet, IReadOnlyList<FacetValue>> Result()
    {
        Fold();
        return _totals.ToDictionary(
            f => f.Key,
            f => (IReadOnlyList<FacetValue>)f.Value
                .OrderByDescending(v => v.Value)
                .ThenBy(v => v.Key, StringComparer.Ordinal)
                .Take(TopValues)
                .Select(v => new FacetValue(v.Key, v.Value))
                .ToList());
    }

    private static readonly long Earliest = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long Latest = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    private static string FieldOf(SearchFacet facet) => facet switch
    {
        SearchFacet.Folder => OperatorFields.FolderFacet,
        SearchFacet.From => OperatorFields.FromFacet,
        _ => OperatorFields.SourceFacet,
    };

    /// <summary>Adds the finished segment's counts to the totals by value.</summary>
    private void Fold()
    {
        if (_totals.TryGetValue(SearchFacet.Year, out var years))
        {
            foreach (var (year, count) in _years)
            {
                var key = year.ToString(CultureInfo.InvariantCulture);
                years[key] = years.GetValueOrDefault(key) + count;
            }

            _years.Clear();
        }

        foreach (var segment in _segments)
        {
            segment.FoldInto(_totals[segment.Facet]);
        }

        _segments.Clear();
    }

    /// <summary>One facet's ordinals in one segment: counts, and which ordinals were seen at all.</summary>
    private sealed class Segment(SearchFacet facet, SortedSetDocValues values)
    {
        private readonly Dictionary<long, long> _counts = [];

        public SearchFacet Facet => facet;

        public void Collect(int doc)
        {
            values.SetDocument(doc);
            for (var ord = values.NextOrd(); ord != SortedSetDocValues.NO_MORE_ORDS; ord = values.NextOrd())
            {
                _counts[ord] = _counts.GetValueOrDefault(ord) + 1;
            }
        }

        public void FoldInto(Dictionary<string, long> totals)
        {
            var bytes = new BytesRef();
            foreach (var (ord, count) in _counts)
            {
                values.LookupOrd(ord, bytes);
                var value = bytes.Utf8ToString();
                totals[value] = totals.GetValueOrDefault(value) + count;
            }
        }
    }
}
