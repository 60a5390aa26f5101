using System.Net;
using System.Net.Sockets;

namespace Vault.Ingestion.Tests.Sync;

/// <summary>
/// A loopback TCP proxy in front of Dovecot that, once, drops both sockets after the server has sent
/// <c>cutAfterBytes</c> to the client: deep inside a FETCH response that is almost all message literals, i.e. a
/// disconnect in the middle of a literal, which a real server cannot be made to show on demand.
/// </summary>
internal sealed class CuttingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _host;
    private readonly int _port;
    private readonly long _cutAfterBytes;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private long _served;
    private int _cuts;

    public CuttingProxy(string host, int port, long cutAfterBytes)
    {
        _host = host;
        _port = port;
        _cutAfterBytes = cutAfterBytes;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public bool HasCut => Volatile.Read(ref _cuts) > 0;

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
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
            var up = PumpAsync(client.GetStream(), server.GetStream(), count: false, connection);
            var down = PumpAsync(server.GetStream(), client.GetStream(), count: true, connection);
            await Task.WhenAny(up, down);
            await connection.CancelAsync();
            client.Client.LingerState = new LingerOption(true, 0);
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool count, CancellationTokenSource connection)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, connection.Token)) > 0)
            {
                if (count && Volatile.Read(ref _cuts) == 0 && Interlocked.Add(ref _served, read) > _cutAfterBytes)
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

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
