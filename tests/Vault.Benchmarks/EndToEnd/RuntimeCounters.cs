using System.Globalization;

namespace Vault.Benchmarks.EndToEnd;

/// <summary>
/// The .NET runtime's own counters from Vault's /metrics (the System.Runtime meter): the JIT, the garbage collector and
/// what was allocated. Read before the source is created and once it is searchable, their difference says where part of
/// the import's CPU time went: compiling methods a fresh process has not run yet, and collecting what the import allocated.
/// </summary>
public sealed record RuntimeCounters(double JitSeconds, long JitMethods, double GcPauseSeconds, long Gen0, long Gen1, long Gen2, long AllocatedBytes)
{
    /// <summary>Null when /metrics has no JIT or allocation counter (a Vault without the runtime meter).</summary>
    public static RuntimeCounters? Parse(string metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        double? jit = null, pause = null, allocated = null, methods = null;
        double gen0 = 0, gen1 = 0, gen2 = 0;
        foreach (var line in metrics.Split('\n'))
        {
            var space = line.LastIndexOf(' ');
            var end = line.IndexOfAny(['{', ' ']);
            if (line.StartsWith('#') || end <= 0 || !double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }

            var name = line[..end];
            switch (name)
            {
                case "dotnet_jit_compilation_time_seconds_total":
                    jit = value;
                    break;
                case "dotnet_jit_compiled_methods_total":
                    methods = value;
                    break;
                case "dotnet_gc_pause_time_seconds_total":
                    pause = value;
                    break;
                case "dotnet_gc_heap_total_allocated_bytes_total":
                    allocated = value;
                    break;
                case "dotnet_gc_collections_total" when line.Contains("\"gen0\"", StringComparison.Ordinal):
                    gen0 = value;
                    break;
                case "dotnet_gc_collections_total" when line.Contains("\"gen1\"", StringComparison.Ordinal):
                    gen1 = value;
                    break;
                case "dotnet_gc_collections_total" when line.Contains("\"gen2\"", StringComparison.Ordinal):
                    gen2 = value;
                    break;
            }
        }

        return jit is null || allocated is null
            ? null
            : new RuntimeCounters(jit.Value, (long)(methods ?? 0), pause ?? 0, (long)gen0, (long)gen1, (long)gen2, (long)allocated.Value);
    }

    /// <summary>What happened between <paramref name="before"/> and this reading.</summary>
    public RuntimeCounters Since(RuntimeCounters before)
    {
        ArgumentNullException.ThrowIfNull(before);
        return new(JitSeconds - before.JitSeconds, JitMethods - before.JitMethods, GcPauseSeconds - before.GcPauseSeconds,
            Gen0 - before.Gen0, Gen1 - before.Gen1, Gen2 - before.Gen2, AllocatedBytes - before.AllocatedBytes);
    }
}
