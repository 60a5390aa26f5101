using System.Globalization;
using Lucene.Net.Search;
using Vault.Search.Documents;

namespace Vault.Search.QueryLanguage;

/// <summary>
/// <c>larger:</c>, <c>smaller:</c> and <c>size:</c> on the stored size (the raw message's bytes). A size is a
/// number with an optional K, M or G (1K = 1024 bytes) and an optional B: <c>500</c>, <c>10K</c>, <c>1.5MB</c>.
/// <c>larger:N</c> is more than N bytes and <c>smaller:N</c> less than N (as in Gmail); <c>size:A..B</c> includes
/// both ends, <c>size:A..</c> and <c>size:..B</c> are open, <c>size:N</c> is exactly N.
/// </summary>
internal static class QuerySizes
{
    public static NumericRangeQuery<long> Larger(string value, int position) => Range(Bytes(value, position), null, includeMin: false, includeMax: false);

    public static NumericRangeQuery<long> Smaller(string value, int position) => Range(null, Bytes(value, position), includeMin: false, includeMax: false);

    public static NumericRangeQuery<long> Between(string value, int position)
    {
        var dots = value.IndexOf("..", StringComparison.Ordinal);
        if (dots < 0)
        {
            var exact = Bytes(value, position);
            return Range(exact, exact, includeMin: true, includeMax: true);
        }

        var from = dots == 0 ? (long?)null : Bytes(value[..dots], position);
        var to = dots + 2 == value.Length ? (long?)null : Bytes(value[(dots + 2)..], position + dots + 2);
        if (from is null && to is null)
        {
            throw new SearchQueryException("A size range needs at least one size", position);
        }

        if (from > to)
        {
            throw new SearchQueryException("The range ends below where it starts", position + dots + 2);
        }

        return Range(from, to, includeMin: true, includeMax: true);
    }

    private static NumericRangeQuery<long> Range(long? min, long? max, bool includeMin, bool includeMax) =>
        NumericRangeQuery.NewInt64Range(SearchFields.Size, min, max, includeMin, includeMax);

    /// <summary>The number of bytes <paramref name="value"/> stands for.</summary>
    public static long Bytes(string value, int position)
    {
        var text = value.Trim();
        var end = text.Length;
        if (end > 0 && text[end - 1] is 'b' or 'B')
        {
            end--;
        }

        var multiplier = 1m;
        var unit = end > 0 ? char.ToUpperInvariant(text[end - 1]) : ' ';
        if (unit is 'K' or 'M' or 'G')
        {
            multiplier = unit switch { 'K' => 1024m, 'M' => 1024m * 1024, _ => 1024m * 1024 * 1024 };
            end--;
        }

        var number = text[..end];
        if (number.Length == 0 || !number.All(c => char.IsAsciiDigit(c) || c == '.') || number.StartsWith('.') || number.EndsWith('.')
            || !decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            throw new SearchQueryException($"'{value}' is not a size (a number with K, M or G: 500K, 1.5M)", position);
        }

        var bytes = decimal.Floor(amount * multiplier);
        if (bytes > long.MaxValue)
        {
            throw new SearchQueryException($"'{value}' is larger than any message can be", position);
        }

        return (long)bytes;
    }
}
