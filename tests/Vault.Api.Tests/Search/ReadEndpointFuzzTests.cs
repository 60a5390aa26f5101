using System.Diagnostics;
using System.Net;
using System.Text;
using Vault.TestSupport;

namespace Vault.Api.Tests.Search;

/// <summary>
/// /api/search, /api/messages, /api/messages/{id} and /api/messages/{id}/raw through the real pipeline with random
/// and grammar-shaped query strings and path values (fixed seed, fixed count): no answer is a 5xx, and every 4xx is
/// a problem document. The request count and status codes per endpoint go to the test output.
/// </summary>
public sealed class ReadEndpointFuzzTests(ITestOutputHelper output)
{
    private const int Seed = 1313;
    private const int Requests = 3000;

    /// <summary>Raw query values as a client may send them: numbers out of every range, other digits, bad escapes.</summary>
    private static readonly string[] Numbers =
    [
        "1", "2", "0", "-1", "200", "201", "2147483647", "2147483648", "-2147483648", "99999999999999999999", "abc", "", "1.5", "1e3",
        "%201", "%D9%A3", "0x10", "%2B5", "%00", "%", "%zz", "1%00", "NaN", "%E2%80%8B1",
    ];

    private static readonly string[] RawEscapes = ["%", "%zz", "%C3", "%ED%A0%80", "%00", "+", "%2F", "%3F", "%23", "%26q%3D", "%FF%FE", "&q=x", "&&", "="];

    private static readonly string[] Sorts = ["date", "relevance", "DATE", "size", "", "-date", "%00", "%2Bdate", "--date"];

    private static readonly string[] Facets = ["folder", "year,from", "folder,year,from,source", "FROM", "label", "", ",", "folder,,year", "%00", "folder%2Cyear", "year,year"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task No_request_to_the_read_endpoints_is_answered_with_a_server_error()
    {
        await using var host = await IndexedArchiveHost.StartAsync(3, Ct);
        var random = new Random(Seed);
        var queries = new RandomSearchQueries(Seed);
        var statuses = new SortedDictionary<string, SortedDictionary<int, int>>(StringComparer.Ordinal);
        var failures = new List<string>();
        var rejections = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Requests; i++)
        {
            var (endpoint, url) = (i % 4) switch
            {
                0 or 1 => ("/api/search", "/api/search?" + SearchParameters(random, queries)),
                2 => ("/api/messages", "/api/messages?" + ListParameters(random, host)),
                _ => random.Next(2) == 0
                    ? ("/api/messages/{id}", "/api/messages/" + Id(random, host, queries))
                    : ("/api/messages/{id}/raw", "/api/messages/" + Id(random, host, queries) + "/raw"),
            };
            using var response = await host.Client.GetAsync(new Uri(url, UriKind.Relative), Ct);
            var status = (int)response.StatusCode;
            var counts = statuses.TryGetValue(endpoint, out var seen) ? seen : statuses[endpoint] = new SortedDictionary<int, int>();
            counts[status] = counts.GetValueOrDefault(status) + 1;
            var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json";
            var body = await response.Content.ReadAsStringAsync(Ct);
            if (status >= 500 || (status >= 400 && !problem))
            {
                failures.Add($"#{i} {status} {url[..Math.Min(url.Length, 300)]}: {body}");
            }

            if (status == 400)
            {
                var kind = body.Contains("\"position\":", StringComparison.Ordinal) ? "query syntax" : "parameter validation";
                rejections[kind] = rejections.GetValueOrDefault(kind) + 1;
            }
        }

        output.WriteLine($"{Requests} requests (seed {Seed}) in {clock.Elapsed.TotalSeconds:F1} s");
        foreach (var (endpoint, counts) in statuses)
        {
            output.WriteLine($"  {endpoint,-24} {counts.Values.Sum(),5}: {string.Join(", ", counts.Select(c => $"{c.Key} x{c.Value}"))}");
        }

        output.WriteLine($"  400s: {string.Join(", ", rejections.Select(r => $"{r.Value} {r.Key}"))}");
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(10)));

        // The inputs reach both the answers and the rejections of every endpoint, or the fuzz proves little.
        Assert.All(statuses.Values, counts => Assert.True(counts.Keys.Any(s => s < 300) && counts.Keys.Any(s => s >= 400), string.Join(",", counts.Keys)));
    }

    private static string SearchParameters(Random random, RandomSearchQueries queries)
    {
        var parameters = new List<string>();
        if (random.Next(12) != 0)
        {
            parameters.Add("q=" + (random.Next(3) switch
            {
                0 or 1 => Encode(queries.Structured()),
                _ => random.Next(3) == 0 ? Garble(random, queries.Noise()) : Encode(queries.Next()),
            }));
        }

        if (random.Next(15) == 0)
        {
            parameters.Add("q=" + Encode(queries.Structured()));
        }

        parameters.AddRange(Paging(random));
        if (random.Next(4) == 0)
        {
            parameters.Add("sort=" + Sorts[random.Next(Sorts.Length)]);
        }

        if (random.Next(4) == 0)
        {
            parameters.Add("facets=" + Facets[random.Next(Facets.Length)]);
        }

        return string.Join('&', parameters.OrderBy(_ => random.Next()));
    }

    private static string ListParameters(Random random, IndexedArchiveHost host)
    {
        var parameters = Paging(random).ToList();
        switch (random.Next(5))
        {
            case 0:
                break;
            case 1:
                parameters.Add("sourceId=" + Encode(RandomText(random, random.Next(0, 30))));
                break;
            default:
                parameters.Add("sourceId=" + IndexedArchiveHost.SourceId);
                break;
        }

        return string.Join('&', parameters);
    }

    private static IEnumerable<string> Paging(Random random)
    {
        // Each parameter one time in three, so that most requests reach the search or the store.
        if (random.Next(3) == 0)
        {
            yield return "page=" + (random.Next(3) == 0 ? random.Next(int.MinValue, int.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture) : Numbers[random.Next(Numbers.Length)]);
        }

        if (random.Next(3) == 0)
        {
            yield return "pageSize=" + (random.Next(3) == 0 ? random.Next(-5, 300).ToString(System.Globalization.CultureInfo.InvariantCulture) : Numbers[random.Next(Numbers.Length)]);
        }
    }

    /// <summary>A stored id, one with a character changed, or anything: dots, escaped slashes, odd Unicode, very long.</summary>
    /// <remarks>
    /// Never an encoded NUL: Kestrel rejects such a path with a 400 before Vault sees it, and TestServer, which has no
    /// such check, throws instead of sending the request.
    /// </remarks>
    private static string Id(Random random, IndexedArchiveHost host, RandomSearchQueries queries) =>
        AnyId(random, host, queries).Replace("%00", "%01", StringComparison.OrdinalIgnoreCase);

    private static string AnyId(Random random, IndexedArchiveHost host, RandomSearchQueries queries)
    {
        var stored = host.MessageIds[random.Next(host.MessageIds.Count)];
        return random.Next(8) switch
        {
            0 or 1 => stored,
            2 => Encode(queries.Mutate(stored)),
            3 => stored.ToUpperInvariant(),
            4 => new[] { "..", "%2e%2e", "%2F", "a%2Fb", ".", "%20", "%C0%80", "~", "%E2%80%AE" }[random.Next(9)],
            5 => Encode(new string('a', random.Next(200, 3000))),
            6 => Garble(random, RandomText(random, random.Next(1, 40))),
            _ => Encode(queries.Noise()) is { Length: > 0 } noise ? noise : "x",
        };
    }

    private static string RandomText(Random random, int length) =>
        string.Concat(Enumerable.Range(0, length).Select(_ => (char)(random.Next(3) == 0 ? random.Next(0x20, 0x7F) : random.Next(0, 0x10000))));

    /// <summary>Percent-encodes the UTF-8 of <paramref name="text"/> (a lone surrogate becomes U+FFFD, as a browser sends it).</summary>
    private static string Encode(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text.Length > 6000 ? text[..6000] : text);
        var encoded = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            encoded.Append(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~' ? (char)b : $"%{b:X2}");
        }

        return encoded.ToString();
    }

    /// <summary>Encoded text with raw escapes spliced in: truncated UTF-8, encoded surrogates, bare '%', separators.</summary>
    private static string Garble(Random random, string text)
    {
        var encoded = new StringBuilder(Encode(text));
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            encoded.Insert(random.Next(encoded.Length + 1), RawEscapes[random.Next(RawEscapes.Length)]);
        }

        return encoded.ToString();
    }
}
