using System.Globalization;

namespace Vault.Benchmarks.EndToEnd;

/// <summary>The command line of <c>e2e</c>.</summary>
public sealed record EndToEndOptions
{
    public int Count { get; init; } = 10_000;
    public int Seed { get; init; } = 42;
    public int Runs { get; init; } = 1;
    public string? JsonPath { get; init; }

    /// <summary>Import <see cref="WarmCount"/> messages into the same Vault process before the measured import.</summary>
    public bool Warm { get; init; }

    public const int WarmCount = 300;

    /// <summary>How long one import may take from create to searchable before the run is declared stuck.</summary>
    public TimeSpan ImportDeadline { get; init; }

    public static EndToEndOptions? Parse(ReadOnlySpan<string> args)
    {
        var options = new EndToEndOptions();
        TimeSpan? deadline = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--count" when int.TryParse(value, CultureInfo.InvariantCulture, out var count) && count > 0:
                    options = options with { Count = count };
                    i++;
                    break;
                case "--seed" when int.TryParse(value, CultureInfo.InvariantCulture, out var seed):
                    options = options with { Seed = seed };
                    i++;
                    break;
                case "--runs" when int.TryParse(value, CultureInfo.InvariantCulture, out var runs) && runs > 0:
                    options = options with { Runs = runs };
                    i++;
                    break;
                case "--json" when !string.IsNullOrWhiteSpace(value):
                    options = options with { JsonPath = Path.GetFullPath(value) };
                    i++;
                    break;
                case "--warm":
                    options = options with { Warm = true };
                    break;
                case "--deadline" when TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var parsed) && parsed > TimeSpan.Zero:
                    deadline = parsed;
                    i++;
                    break;
                default:
                    Console.Error.WriteLine($"e2e: unknown or incomplete option '{args[i]}'.");
                    return null;
            }
        }

        // Generous against a 12 s target, yet a stuck import ends the run: 1 minute plus 30 ms per message.
        return options with { ImportDeadline = deadline ?? TimeSpan.FromMinutes(1) + TimeSpan.FromMilliseconds(30.0 * options.Count) };
    }
}
