using System.Runtime.CompilerServices;
using System.Net;
using System.Net.Sockets;

namespace Vault.Ingestion.Tests.Sync;

/// <summary>
/// A loopback TCP proxy in front of Dovecot that drops both sockets after the server has sent <c>cutAfterBytes</c>
/// to the client: deep inside a FETCH response that is almost all message literals, i.e. a disconnect in the middle
/// of a literal, which a real server cannot be made to show on demand. Once by default; with <c>everyConnection</c>,
/// every connection is cut at the same point (a broken middlebox, a server that crashes on one message). With
/// <c>countUpstream</c> it counts what the client sends instead: a cut inside an APPEND's literal.
/// </summary>
internal sealed class CuttingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _host;
    private readonly int _port;
    private readonly long _cutAfterBytes;
    private readonly bool _everyConnection;
    private readonly bool _countUpstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private long _served;
    private int _cuts;
    private int _connections;

    public CuttingProxy(string host, int port, long cutAfterBytes, bool everyConnection = false, bool countUpstream = false)
    {
        _countUpstream = countUpstream;
        _host = host;
        _port = port;
        _cutAfterBytes = cutAfterBytes;
        _everyConnection = everyConnection;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public bool HasCut => Volatile.Read(ref _cuts) > 0;

    /// <summary>Connections accepted so far: with one login per connection, the number of logins.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public int Cuts => Volatile.Read(ref _cuts);

    /// <summary>With <c>everyConnection</c>: false lets every new connection through whole (the fault is fixed).</summary>
    public bool Cutting { get; set; } = true;

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                _ = RelayAsync(client);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var server = new TcpClient();
        using (client)
        {
            await server.ConnectAsync(_host, _port, _stop.Token);
            using var connection = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var served = new StrongBox<long>();
            var up = PumpAsync(client.GetStream(), server.GetStream(), count: _countUpstream, served, connection);
            var down = PumpAsync(server.GetStream(), client.GetStream(), count: !_countUpstream, served, connection);
            await Task.WhenAny(up, down);
            await connection.CancelAsync();
            client.Client.LingerState = new LingerOption(true, 0);
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool count, StrongBox<long> servedHere, CancellationTokenSource connection)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, connection.Token)) > 0)
            {
                if (count && ShouldCut(servedHere, read))
                {
                    Interlocked.Increment(ref _cuts);
                    await to.WriteAsync(buffer.AsMemory(0, read / 2), connection.Token);
                    return;
                }

                await to.WriteAsync(buffer.AsMemory(0, read), connection.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
        {
        }
    }

    private bool ShouldCut(StrongBox<long> servedHere, int read)
    {
        if (_everyConnection)
        {
            if (!Cutting)
            {
                return false;
            }

            servedHere.Value += read;
            return servedHere.Value > _cutAfterBytes;
        }

        return Volatile.Read(ref _cuts) == 0 && Interlocked.Add(ref _served, read) > _cutAfterBytes;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
