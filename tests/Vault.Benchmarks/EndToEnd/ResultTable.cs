using System.Globalization;
using System.Text;

namespace Vault.Benchmarks.EndToEnd;

/// <summary>The printed table: each ARCHITECTURE.md target, what was measured, and whether it is met.</summary>
public static class ResultTable
{
    public static string Render(string title, RunResult r)
    {
        // Issue 20's targets, at 10,000 messages and scaled per message for other sizes.
        var scale = r.Messages / 10_000.0;
        var rows = new List<(string What, string Measured, string Target, bool? Met)>
        {
            ("time to searchable (create -> all found)", Seconds(r.TimeToSearchableSeconds) + PerMessage(r.TimeToSearchableSeconds, r.Messages), $"<= {6 * scale:F1} s", Met(r.TimeToSearchableSeconds, 6 * scale)),
            ("archive only, durable (create -> Active)", Seconds(r.TimeToActiveSeconds) + PerMessage(r.TimeToActiveSeconds, r.Messages), $"<= {4 * scale:F1} s", Met(r.TimeToActiveSeconds, 4 * scale)),
            ("throughput (to Active)", r.MessagesPerSecond is { } mps ? $"{mps:F0} msg/s, {r.MegabytesPerSecond:F1} MB/s" : "-", "", null),
            ("Vault CPU time, create -> searchable", Seconds(r.CpuSecondsToSearchable) + PerMessage(r.CpuSecondsToSearchable, r.Messages), $"<= {9 * scale:F1} s", Met(r.CpuSecondsToSearchable, 9 * scale)),
            ("  of it compiling methods (JIT, a fresh process)", r.RuntimeToSearchable is { } jit ? $"{jit.JitSeconds:F2} s, {jit.JitMethods:N0} methods" : "-", "", null),
            ("  GC pauses (gen0 / gen1 / gen2 collections)", r.RuntimeToSearchable is { } gc ? $"{gc.GcPauseSeconds:F2} s ({gc.Gen0} / {gc.Gen1} / {gc.Gen2})" : "-", "", null),
            ("allocated, create -> searchable", r.RuntimeToSearchable is { } a ? $"{a.AllocatedBytes / 1e6:F0} MB ({a.AllocatedBytes / 1024.0 / Math.Max(1, r.Messages):F1} KB/msg)" : "-", "", null),
            ("peak RSS during import (sampled VmRSS)", MiB(r.PeakRssDuringImportMiB), "<= 300 MiB", Met(r.PeakRssDuringImportMiB, 300)),
            ("peak RSS whole run (VmHWM)", MiB(r.PeakRssMiB), "<= 300 MiB", Met(r.PeakRssMiB, 300)),
            ("store + index on disk", r.DiskBytes is { } disk ? $"{disk / 1e6:F1} MB ({100.0 * disk / Math.Max(1, r.MailboxBytes):F0}% of raw)" + (r.IndexBytes is { } index ? $" (index {index / 1e6:F1} MB)" : "") : "-", "<= 80% raw", Met(r.DiskBytes, (long)(0.8 * r.MailboxBytes))),
            ($"selective search over HTTP p50 ({r.SearchSamples} queries)", Milliseconds(r.SearchP50Milliseconds), "<= 5 ms", Met(r.SearchP50Milliseconds, 5)),
            ("selective search over HTTP p95", Milliseconds(r.SearchP95Milliseconds), "", null),
            ("  the same with facets=folder,year,from,source p50", Milliseconds(r.FacetedSearchP50Milliseconds), "<= 10 ms", Met(r.FacetedSearchP50Milliseconds, 10)),
            ("  the same with facets p95", Milliseconds(r.FacetedSearchP95Milliseconds), "", null),
            ("  the same once Vault's CPU is quiet p50 / p95", r.QuietSearchP50Milliseconds is null ? "-" : $"{Milliseconds(r.QuietSearchP50Milliseconds)} / {Milliseconds(r.QuietSearchP95Milliseconds)}", "", null),
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

        if (r.Milestones.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  per {r.MilestoneStep:N0} messages as the import went (seconds for that step: archived / searchable):");
            double? previousArchived = 0, previousIndexed = 0;
            foreach (var (messages, archived, indexed) in r.Milestones)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"    {messages,9:N0}  {Step(archived, previousArchived),8} / {Step(indexed, previousIndexed),8}   (at {Seconds(archived)} / {Seconds(indexed)})");
                (previousArchived, previousIndexed) = (archived, indexed);
            }
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

    private static string PerMessage(double? seconds, int messages) => seconds is { } s && messages > 0 ? $" ({s * 1000 / messages:F2} ms/msg)" : "";

    private static string Step(double? at, double? previous) => at is { } a && previous is { } p ? $"{a - p:F2} s" : "-";

    private static string MiB(double? value) => value is { } v ? $"{v:F0} MiB" : "-";
}
