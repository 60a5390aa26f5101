using BenchmarkDotNet.Running;
using Vault.Benchmarks.EndToEnd;

// Two instruments: "e2e" drives a real Vault process against the test Dovecot; "micro" runs BenchmarkDotNet.
if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine("""
        Vault benchmarks
          e2e [--count 10000] [--seed 42] [--runs 1] [--json out.json] [--deadline 00:06:00] [--warm]
              generate or reuse the mailbox, load it into the test Dovecot, start Vault (Release) as its own
              process, create an IMAP source and measure the ARCHITECTURE.md targets; --warm first imports a
              300-message mailbox into the same process, so the measured import is that of a Vault that has run one
              before (no JIT of a fresh process), as a source added to a running Vault is
          sources [--count 200] [--messages 5] [--connector]
              N Dovecot users, N sources on one Vault process: time to all Active, then RSS and threads of the
              idle process against the same process before the sources, and the connections Dovecot counts;
              --connector adds them as the mailboxes of one master-user connector (max 20 connections)
          large [--size 200] [--sources 1]
              N Dovecot users each holding one generated message of that many MB, N sources on one Vault process at
              once: RSS before, peak RSS while they archive and index, peak RSS while /raw streams one back
          restore [--count 3000] [--seed 42]
              archive the generated mailbox from one Dovecot user with a Vault process, restore it into a second,
              empty user over HTTP: messages/s, MB/s and RSS; then a second restore that finds everything there
          stages [count] [--no-fetch]
              the CPU time and allocation of each import stage on one thread over the generated mailbox
          micro [filter]
              BenchmarkDotNet micro-benchmarks of the hot paths (pass BenchmarkDotNet arguments after "micro")
        """);
    return args.Length == 0 ? 2 : 0;
}

switch (args[0])
{
    case "e2e":
        var options = EndToEndOptions.Parse(args.AsSpan(1));
        if (options is null)
        {
            return 2;
        }

        using (var stop = new CancellationTokenSource())
        {
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            return await EndToEndBenchmark.RunAsync(options, stop.Token);
        }

    case "sources":
        if (IdleSourcesBenchmark.Parse(args.AsSpan(1)) is not { } idle)
        {
            return 2;
        }

        using (var stop = new CancellationTokenSource())
        {
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            return await IdleSourcesBenchmark.RunAsync(idle.Count, idle.Messages, idle.Connector, stop.Token);
        }

    case "large":
        if (LargeMessageBenchmark.Parse(args.AsSpan(1)) is not { } large)
        {
            return 2;
        }

        using (var stop = new CancellationTokenSource())
        {
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            return await LargeMessageBenchmark.RunAsync(large.SizeMb, large.Sources, stop.Token);
        }

    case "restore":
        var count = 3000;
        var seed = 42;
        for (var i = 1; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--count":
                    count = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "--seed":
                    seed = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
                    break;
                default:
                    Console.Error.WriteLine($"Unknown option '{args[i]}'.");
                    return 2;
            }
        }

        using (var stop = new CancellationTokenSource())
        {
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            return await RestoreBenchmark.RunAsync(count, seed, stop.Token);
        }

    case "stages":
        using (var stop = new CancellationTokenSource())
        {
            var stagesCount = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10000;
            return await Vault.Benchmarks.Micro.StageCosts.RunAsync(stagesCount, 42, fetch: !args.Contains("--no-fetch"), stop.Token);
        }

    case "micro":
        var micro = args.Skip(1).ToArray();
        // A bare filter ("micro Query") is the common case; BenchmarkDotNet wants it as --filter.
        if (micro.Length == 1 && !micro[0].StartsWith('-'))
        {
            micro = ["--filter", $"*{micro[0]}*"];
        }

        BenchmarkSwitcher.FromAssembly(typeof(EndToEndBenchmark).Assembly).Run(micro);
        return 0;

    default:
        Console.Error.WriteLine($"Unknown command '{args[0]}'. Use e2e, sources, large, restore or micro.");
        return 2;
}
