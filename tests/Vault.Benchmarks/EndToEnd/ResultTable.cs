using System.Globalization;
using System.Text;

namespace Vault.Benchmarks.EndToEnd;

/// <summary>The printed table: each ARCHITECTURE.md target, what was measured, and whether it is met.</summary>
public static class ResultTable
{
    public static string Render(string title, RunResult r)
    {
        var rows = new List<(string What, string Measured, string Target, bool? Met)>
        {
            ("time to searchable (create -> all found)", Seconds(r.TimeToSearchableSeconds), "<= 12 s", Met(r.TimeToSearchableSeconds, 12)),
            ("archive only, durable (create -> Active)", Seconds(r.TimeToActiveSeconds), "<= 6 s", Met(r.TimeToActiveSeconds, 6)),
            ("throughput (to Active)", r.MessagesPerSecond is { } mps ? $"{mps:F0} msg/s, {r.MegabytesPerSecond:F1} MB/s" : "-", "", null),
            ("Vault CPU time, create -> searchable", Seconds(r.CpuSecondsToSearchable), "", null),
            ("peak RSS during import (sampled VmRSS)", MiB(r.PeakRssDuringImportMiB), "<= 400 MiB", Met(r.PeakRssDuringImportMiB, 400)),
            ("peak RSS whole run (VmHWM)", MiB(r.PeakRssMiB), "", null),
            ("store + index on disk", r.DiskBytes is { } disk ? $"{disk / 1e6:F1} MB" + (r.IndexBytes is { } index ? $" (index {index / 1e6:F1} MB)" : "") : "-", "<= 300 MB", Met(r.DiskBytes, 300_000_000)),
            ($"selective search over HTTP p50 ({r.SearchSamples} queries)", Milliseconds(r.SearchP50Milliseconds), "<= 10 ms", Met(r.SearchP50Milliseconds, 10)),
            ("selective search over HTTP p95", Milliseconds(r.SearchP95Milliseconds), "", null),
            ("  the same with facets=folder,year,from,source p50", Milliseconds(r.FacetedSearchP50Milliseconds), "<= 10 ms", Met(r.FacetedSearchP50Milliseconds, 10)),
            ("  the same with facets p95", Milliseconds(r.FacetedSearchP95Milliseconds), "", null),
            ("IDLE append -> searchable (median of 5)", Seconds(r.IdleAppendToSearchableMedianSeconds), "<= 2 s", Met(r.IdleAppendToSearchableMedianSeconds, 2)),
            ("no-op sync pass", r.NoOpSyncPassMilliseconds is { } pass ? $"{pass:F1} ms" : r.NoOpSyncPassSource is null ? "-" : "not measured", "<= 100 ms", Met(r.NoOpSyncPassMilliseconds, 100)),
        };

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{title}: {r.Messages} messages, {r.MailboxBytes / 1e6:F1} MB");
        text.AppendLine(CultureInfo.InvariantCulture, $"  {"what",-50} {"measured",-32} {"target",-11} ");
        text.AppendLine(CultureInfo.InvariantCulture, $"  {new string('-', 50)} {new string('-', 32)} {new string('-', 11)} ----");
        foreach (var (what, measured, target, met) in rows)
        {
            var verdict = met switch { true => "ok", false => "MISS", null => target.Length == 0 ? "" : "-" };
            text.AppendLine(CultureInfo.InvariantCulture, $"  {what,-50} {measured,-32} {target,-11} {verdict}");
        }

        if (r.NoOpSyncPassSource is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  no-op sync pass from: {r.NoOpSyncPassSource}");
        }

        foreach (var note in r.Notes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  note: {note}");
        }

        if (r.Failure is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  FAILED: {r.Failure}");
        }

        return text.ToString();
    }

    /// <summary>Null when nothing was measured: a phase that never ran is neither met nor missed.</summary>
    private static bool? Met(double? value, double limit) => value is { } v ? v <= limit : null;

    private static bool? Met(long? value, long limit) => value is { } v ? v <= limit : null;

    private static string Seconds(double? value) => value is { } v ? $"{v:F2} s" : "-";

    private static string Milliseconds(double? value) => value is { } v ? $"{v:F2} ms" : "-";

    private static string MiB(double? value) => value is { } v ? $"{v:F0} MiB" : "-";
}
