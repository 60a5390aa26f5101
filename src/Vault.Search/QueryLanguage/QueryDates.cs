using System.Globalization;
using Lucene.Net.Search;
using Vault.Search.Documents;

namespace Vault.Search.QueryLanguage;

/// <summary>
/// <c>date:</c>, <c>after:</c> and <c>before:</c> as UTC day ranges on <see cref="SearchFields.Date"/>. Every day a
/// person can type (0001-01-01 to 9999-12-31) is valid: a range that would end after 9999-12-31 is open-ended.
/// </summary>
internal static class QueryDates
{
    private static readonly string[] Formats = ["yyyy-MM-dd", "yyyy/MM/dd"];

    /// <summary><c>date:D</c> (that day) or <c>date:A..B</c>, <c>date:A..</c>, <c>date:..B</c> (both days included).</summary>
    public static NumericRangeQuery<long> During(string value, int position)
    {
        var dots = value.IndexOf("..", StringComparison.Ordinal);
        if (dots < 0)
        {
            var day = Day(value, position);
            return Range(day, NextDay(day));
        }

        var from = dots == 0 ? (DateTimeOffset?)null : Day(value[..dots], position);
        var to = dots + 2 == value.Length ? (DateTimeOffset?)null : Day(value[(dots + 2)..], position + dots + 2);
        if (from is null && to is null)
        {
            throw new SearchQueryException("A date range needs at least one day", position);
        }

        if (from > to)
        {
            throw new SearchQueryException("The range ends before it starts", position + dots + 2);
        }

        return Range(from, to is null ? null : NextDay(to.Value));
    }

    /// <summary><c>after:D</c> includes D (on or after, as Gmail's after: does).</summary>
    public static NumericRangeQuery<long> After(string value, int position) => Range(Day(value, position), null);

    /// <summary><c>before:D</c> excludes D (strictly before its first instant).</summary>
    public static NumericRangeQuery<long> Before(string value, int position) => Range(null, Day(value, position));

    private static NumericRangeQuery<long> Range(DateTimeOffset? fromInclusive, DateTimeOffset? toExclusive) =>
        NumericRangeQuery.NewInt64Range(SearchFields.Date, fromInclusive?.ToUnixTimeMilliseconds(), toExclusive?.ToUnixTimeMilliseconds(), true, false);

    /// <summary>The first instant after <paramref name="day"/>, or null (no end) after the last representable day.</summary>
    private static DateTimeOffset? NextDay(DateTimeOffset day) =>
        day.UtcDateTime.Date == DateTimeOffset.MaxValue.UtcDateTime.Date ? null : day.AddDays(1);

    private static DateTimeOffset Day(string value, int position)
    {
        if (DateTimeOffset.TryParseExact(value, Formats, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var day))
        {
            return day;
        }

        throw new SearchQueryException($"'{value}' is not a day (yyyy-mm-dd)", position);
    }
}
