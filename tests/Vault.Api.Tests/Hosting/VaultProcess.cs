using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Vault.TestSupport;

namespace Vault.Api.Tests.Hosting;

/// <summary>
/// Vault started the README's way, <c>dotnet run --project src/Vault.Api</c> from the checkout's root (the Release
/// build the tests already made, hence <c>--no-build -c Release</c>), as its own process on a free loopback port.
/// </summary>
internal sealed class VaultProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private VaultProcess(Process process, Uri origin)
    {
        _process = process;
        Origin = origin;
    }

    public Uri Origin { get; }

    /// <summary>Everything the process wrote to stdout and stderr so far, line by line.</summary>
    public IReadOnlyList<string> Output => [.. _output];

    public static VaultProcess Start(IReadOnlyDictionary<string, string> environment)
    {
        var origin = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryRoot.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "run", "--project", "src/Vault.Api", "--no-build", "-c", "Release", "--", "--urls", origin.ToString().TrimEnd('/') })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var vault = new VaultProcess(process, origin);
        process.OutputDataReceived += (_, line) => vault.Keep(line.Data);
        process.ErrorDataReceived += (_, line) => vault.Keep(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return vault;
    }

    /// <summary>Waits until <c>/healthz</c> answers 200 (a start takes a few seconds: dotnet run, then the host).</summary>
    public async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = Origin, Timeout = TimeSpan.FromSeconds(5) };
        await Deadline.UntilAsync(
            async () =>
            {
                Assert.False(_process.HasExited, $"Vault exited with {(_process.HasExited ? _process.ExitCode : 0)}:\n{string.Join('\n', Output)}");
                try
                {
                    return (await client.GetAsync(new Uri("/healthz", UriKind.Relative), cancellationToken)).StatusCode == HttpStatusCode.OK;
                }
                catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    // Not listening yet, or too busy starting to answer within the request's timeout: ask again.
                    return false;
                }
            },
            TimeSpan.FromSeconds(90),
            () => $"/healthz on {Origin} never answered; output:\n{string.Join('\n', Output)}",
            cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
