using Lucene.Net.Search;
using Vault.Search.Documents;

namespace Vault.Search.QueryLanguage;

/// <summary>
/// <c>newer_than:</c> and <c>older_than:</c>: an age of whole days (d), weeks (w), months (m) or years (y) before
/// now (UTC). <c>newer_than:2d</c> is dated at or after that instant, <c>older_than:1y</c> strictly before it. Months
/// and years are calendar ones (one month before 31 March is 28 or 29 February).
/// </summary>
internal static class QueryAges
{
    /// <summary>No age beyond this many of any unit: 100,000 days already reach back before year 0001.</summary>
    private const int MaxAmount = 100_000;

    public static NumericRangeQuery<long> NewerThan(string value, int position, DateTimeOffset now) =>
        NumericRangeQuery.NewInt64Range(SearchFields.Date, Cutoff(value, position, now)?.ToUnixTimeMilliseconds(), null, true, false);

    public static NumericRangeQuery<long> OlderThan(string value, int position, DateTimeOffset now) =>
        Cutoff(value, position, now) is { } cutoff
            ? NumericRangeQuery.NewInt64Range(SearchFields.Date, null, cutoff.ToUnixTimeMilliseconds(), true, false)
            : NumericRangeQuery.NewInt64Range(SearchFields.Date, long.MinValue, long.MinValue, false, false);

    /// <summary>The instant <paramref name="value"/> before <paramref name="now"/>; null when that is before year 0001.</summary>
    private static DateTimeOffset? Cutoff(string value, int position, DateTimeOffset now)
    {
        var unit = value.Length > 0 ? char.ToLowerInvariant(value[^1]) : ' ';
        var digits = value.Length > 0 ? value[..^1] : string.Empty;
        if (unit is not ('d' or 'w' or 'm' or 'y') || digits.Length is 0 or > 6 || !digits.All(char.IsAsciiDigit))
        {
            throw new SearchQueryException($"'{value}' is not an age (a number and d, w, m or y: 7d, 2w, 6m, 1y)", position);
        }

        var amount = int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
        if (amount > MaxAmount)
        {
            return null;
        }

        var utc = now.ToUniversalTime();
        try
        {
            return unit switch
            {
                'd' => utc.AddDays(-amount),
                'w' => utc.AddDays(-7.0 * amount),
                'm' => utc.AddMonths(-amount),
                _ => utc.AddYears(-amount),
            };
        }
        catch (ArgumentOutOfRangeException)
        {
            // Before 0001-01-01: every message is newer, none older.
            return null;
        }
    }
}
