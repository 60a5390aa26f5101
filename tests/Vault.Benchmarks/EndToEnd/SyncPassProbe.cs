using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Vault.Benchmarks.EndToEnd;

/// <summary>
/// The duration of a no-op sync pass, as Vault itself reports it. Two places are read: a histogram on /metrics whose
/// name says sync + pass (OpenTelemetry's Prometheus names: <c>vault_sync_pass_duration_seconds_sum/_count</c>), averaged
/// over the passes of a quiet window; or a <c>lastSync...Duration</c> field on the source. Timing the gap between two
/// <c>lastSyncAt</c> updates would measure the poll interval, not the pass, so nothing is inferred when neither exists.
/// </summary>
public static partial class SyncPassProbe
{
    public static async Task<(double? Milliseconds, string Source)> MeasureAsync(
        VaultApiClient api, string sourceId, TimeSpan pollInterval, CancellationToken cancellationToken)
    {
        var before = Read(await api.GetMetricsAsync(cancellationToken));
        if (before is not null)
        {
            // A quiet window long enough for at least two polls of every folder.
            var deadline = TimeSpan.FromTicks(pollInterval.Ticks * 3) + TimeSpan.FromSeconds(5);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var after = before;
            while (System.Diagnostics.Stopwatch.GetElapsedTime(started) < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
                after = Read(await api.GetMetricsAsync(cancellationToken)) ?? after;
                if (after.Value.Count - before.Value.Count >= 2)
                {
                    break;
                }
            }

            var passes = after!.Value.Count - before.Value.Count;
            if (passes > 0)
            {
                var milliseconds = (after.Value.Sum - before.Value.Sum) / passes * before.Value.ToMilliseconds;
                return (milliseconds, $"/metrics {before.Value.Name}, mean of {passes:F0} passes");
            }

            return (null, $"/metrics {before.Value.Name} exists but counted no pass within {deadline.TotalSeconds:F0} s");
        }

        var source = await api.GetSourceAsync(sourceId, cancellationToken);
        foreach (var property in source.EnumerateObject())
        {
            if (property.Name.StartsWith("lastSync", StringComparison.OrdinalIgnoreCase)
                && property.Name.Contains("Duration", StringComparison.OrdinalIgnoreCase))
            {
                var value = property.Value;
                if (value.ValueKind == JsonValueKind.Number)
                {
                    var number = value.GetDouble();
                    return (property.Name.EndsWith("Ms", StringComparison.Ordinal) ? number : number * 1000, $"source.{property.Name}");
                }

                if (value.ValueKind == JsonValueKind.String && TimeSpan.TryParse(value.GetString(), CultureInfo.InvariantCulture, out var span))
                {
                    return (span.TotalMilliseconds, $"source.{property.Name}");
                }
            }
        }

        return (null, "not exposed: needs a histogram vault.sync.pass.duration (unit s) on the Vault meter, or lastSyncDurationMs on the source");
    }

    private static (string Name, double Sum, double Count, double ToMilliseconds)? Read(string metrics)
    {
        string? name = null;
        double sum = 0, count = 0;
        foreach (var line in metrics.Split('\n'))
        {
            var match = HistogramLine().Match(line);
            if (!match.Success)
            {
                continue;
            }

            var family = match.Groups["family"].Value;
            if (name is not null && family != name)
            {
                continue;
            }

            name = family;
            var value = double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
            if (match.Groups["part"].Value == "sum")
            {
                sum += value;
            }
            else
            {
                count += value;
            }
        }

        if (name is null)
        {
            return null;
        }

        var toMilliseconds = name.EndsWith("_seconds", StringComparison.Ordinal) ? 1000.0 : 1.0;
        return (name, sum, count, toMilliseconds);
    }

    [GeneratedRegex(@"^(?<family>vault_\w*sync\w*pass\w*?)_(?<part>sum|count)(\{[^}]*\})?\s+(?<value>\S+)")]
    private static partial Regex HistogramLine();
}
