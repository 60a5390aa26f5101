using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Vault.Search.Documents;

namespace Vault.Search.Searching;

/// <summary>
/// Sorts by <see cref="SearchFields.Date"/> from a copy of each segment's dates in memory, 8 bytes a message, made at a
/// segment's first sorted search and dropped with the segment. Lucene's own comparer reads each matching message's date
/// from the mapped doc values, a packed value at a time through Lucene.NET's byte buffers: 10% of Vault's CPU time in
/// searches at 100,000 messages in the profile. With this copy, 4.24 against 4.88 ms of CPU per search there (README,
/// Benchmark). The order is Lucene's: a message without a date sorts as 0, and ties keep the index order.
/// </summary>
internal sealed class DateSort : FieldComparerSource
{
    /// <summary>
    /// Each segment's dates, by the segment's core (shared by every reader of the segment, deletions or not). A segment's
    /// dates never change: Vault replaces whole documents and never updates doc values in place.
    /// </summary>
    private static readonly ConditionalWeakTable<object, long[]> Dates = new();

    private DateSort()
    {
    }

    /// <summary>Newest first (<paramref name="newestFirst"/>) or oldest first.</summary>
    public static Sort By(bool newestFirst) => new(new SortField(SearchFields.Date, new DateSort(), newestFirst));

    public override FieldComparer NewComparer(string fieldname, int numHits, int sortPos, bool reversed) => new Comparer(numHits);

    /// <summary>The segment's dates by document (0 where a document has none), shared: never written to.</summary>
    public static long[] Of(AtomicReader reader) => Dates.GetValue(reader.CoreCacheKey, _ =>
    {
        var values = reader.GetNumericDocValues(SearchFields.Date);
        var dates = new long[reader.MaxDoc];
        if (values is not null)
        {
            for (var doc = 0; doc < dates.Length; doc++)
            {
                dates[doc] = values.Get(doc);
            }
        }

        return dates;
    });

    private sealed class Comparer(int hits) : FieldComparer<J2N.Numerics.Int64>
    {
        private readonly long[] _slots = new long[hits];
        private long[] _dates = [];
        private long _bottom;
        private long _top;

        public override J2N.Numerics.Int64 this[int slot] => J2N.Numerics.Int64.GetInstance(_slots[slot]);

        public override int Compare(int slot1, int slot2) => _slots[slot1].CompareTo(_slots[slot2]);

        public override void SetBottom(int slot) => _bottom = _slots[slot];

        public override void SetTopValue(J2N.Numerics.Int64 value) => _top = value.ToInt64();

        public override int CompareBottom(int doc) => _bottom.CompareTo(_dates[doc]);

        public override int CompareTop(int doc) => _top.CompareTo(_dates[doc]);

        public override void Copy(int slot, int doc) => _slots[slot] = _dates[doc];

        public override FieldComparer SetNextReader(AtomicReaderContext context)
        {
            _dates = Of(context.AtomicReader);
            return this;
        }
    }
}
