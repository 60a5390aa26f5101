using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Vault.TestSupport;

namespace Vault.Benchmarks.EndToEnd;

/// <summary>
/// Vault as a person runs it: the Release build of Vault.Api in its own process, on a free loopback port, with a fresh
/// data directory and a random API key. Disposing kills the process and deletes the data directory.
/// </summary>
public sealed class VaultProcess : IAsyncDisposable
{
    private static readonly TimeSpan HealthDeadline = TimeSpan.FromSeconds(90);

    private readonly Process process;
    private readonly StreamWriter log;

    private VaultProcess(Process process, StreamWriter log, string dataDirectory, string logPath, Uri baseAddress, string apiKey)
    {
        this.process = process;
        this.log = log;
        DataDirectory = dataDirectory;
        LogPath = logPath;
        BaseAddress = baseAddress;
        ApiKey = apiKey;
    }

    public string DataDirectory { get; }
    public string LogPath { get; }
    public Uri BaseAddress { get; }
    public string ApiKey { get; }
    public int ProcessId => process.Id;
    public bool HasExited => process.HasExited;

    /// <summary>
    /// The Release build of this checkout, or the Vault.Api.dll <c>VAULT_BENCH_VAULT_DLL</c> names: another build (a
    /// worktree of the commit before a change) to compare against in runs that alternate, as the host's noise demands.
    /// </summary>
    public static string AssemblyPath => Environment.GetEnvironmentVariable("VAULT_BENCH_VAULT_DLL") ?? Path.Combine(RepositoryRoot.Path, "src", "Vault.Api", "bin", "Release", "net10.0", "Vault.Api.dll");

    /// <summary>One Release build of the host per benchmark invocation.</summary>
    public static async Task BuildAsync(CancellationToken cancellationToken)
    {
        Console.WriteLine("vault: dotnet build -c Release src/Vault.Api");
        var started = Stopwatch.GetTimestamp();
        var built = await ChildProcess.RunAsync(
            "dotnet",
            ["build", "-c", "Release", "--nologo", "-v", "q", Path.Combine("src", "Vault.Api")],
            RepositoryRoot.Path,
            TimeSpan.FromMinutes(15),
            cancellationToken);
        if (built.ExitCode != 0 || !File.Exists(AssemblyPath))
        {
            throw new BenchmarkFailedException($"dotnet build -c Release src/Vault.Api failed (exit {built.ExitCode}):\n{built.Output}");
        }

        Console.WriteLine($"vault: built in {Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s");
    }

    public static async Task<VaultProcess> StartAsync(TimeSpan pollInterval, CancellationToken cancellationToken)
    {
        var runId = $"{TimeProvider.System.GetUtcNow():yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"vault-bench-data-{runId}");
        Directory.CreateDirectory(dataDirectory);
        var logDirectory = Path.Combine(CorpusCache.Root, "logs");
        Directory.CreateDirectory(logDirectory);
        var logPath = Path.Combine(logDirectory, $"vault-{runId}.log");
        var apiKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}");

        var start = new ProcessStartInfo("dotnet")
        {
            // The project folder is the content root, as under `dotnet run` (wwwroot is not copied by a build);
            // Vault writes only under Vault:DataDirectory.
            WorkingDirectory = Path.Combine(RepositoryRoot.Path, "src", "Vault.Api"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(AssemblyPath);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseAddress.ToString().TrimEnd('/'));
        start.Environment["Vault__DataDirectory"] = dataDirectory;
        start.Environment["Vault__ApiKey"] = apiKey;
        start.Environment["Vault__Sync__PollInterval"] = pollInterval.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";

        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = Process.Start(start);
        if (process is null)
        {
            await log.DisposeAsync();
            throw new BenchmarkFailedException("Could not start dotnet Vault.Api.dll.");
        }

        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var vault = new VaultProcess(process, log, dataDirectory, logPath, baseAddress, apiKey);
        try
        {
            await vault.WaitHealthyAsync(cancellationToken);
        }
        catch
        {
            await vault.DisposeAsync();
            throw;
        }

        return vault;
    }

    /// <summary>VmRSS (current) and VmHWM (peak) of the process, in bytes, from /proc; null once it has exited.</summary>
    public (long Rss, long PeakRss)? ReadMemory()
    {
        try
        {
            long rss = 0, peak = 0;
            foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = ParseKilobytes(line);
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    peak = ParseKilobytes(line);
                }
            }

            return (rss, peak);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The process's threads (/proc/&lt;pid&gt;/status "Threads:"); null once it has exited.</summary>
    public int? ReadThreads()
    {
        try
        {
            var line = File.ReadLines($"/proc/{process.Id}/status").FirstOrDefault(l => l.StartsWith("Threads:", StringComparison.Ordinal));
            return line is null ? null : int.Parse(line.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// User + system CPU time the process has used (/proc/&lt;pid&gt;/stat fields 14 and 15, in clock ticks of 1/100 s,
    /// the USER_HZ every Linux ABI fixes); null once it has exited.
    /// </summary>
    public TimeSpan? ReadCpuTime()
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{process.Id}/stat");
            // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture)
                + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
            return TimeSpan.FromMilliseconds(ticks * 10);
        }
        catch (IOException)
        {
            return null;
        }
    }

    public string LogTail(int lines = 40)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException e)
        {
            return $"(log unreadable: {e.Message})";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await process.WaitForExitAsync(exit.Token);
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine($"vault: process {process.Id} did not exit within 15 s of SIGKILL");
            }
        }

        process.Dispose();
        await log.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"vault: could not delete {DataDirectory}: {e.Message}");
        }
    }

    private async Task WaitHealthyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < HealthDeadline)
        {
            if (process.HasExited)
            {
                throw new BenchmarkFailedException($"Vault exited with code {process.ExitCode} before /healthz answered. Log {LogPath}:\n{LogTail()}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Console.WriteLine($"vault: pid {process.Id} healthy at {BaseAddress} after {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s (log {LogPath})");
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A slow first answer; ask again.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        throw new BenchmarkFailedException($"Vault did not answer /healthz within {HealthDeadline.TotalSeconds} s. Log {LogPath}:\n{LogTail()}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static long ParseKilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // The last lines of a killed process, after the run closed its log.
            }
        }
    }
}
