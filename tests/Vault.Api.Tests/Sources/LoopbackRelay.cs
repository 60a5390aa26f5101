using System.Net;
using System.Net.Sockets;

namespace Vault.Api.Tests.Sources;

/// <summary>A TCP relay listening on one loopback address and forwarding each connection to a target (e.g. ::1 to Dovecot on 127.0.0.1).</summary>
internal sealed class LoopbackRelay : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _connections;

    /// <param name="port">The port to listen on; 0 (the default) for any free one.</param>
    public LoopbackRelay(IPAddress listenOn, IPEndPoint target, int port = 0)
    {
        _listener = new TcpListener(listenOn, port);
        _target = target;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Connections => Volatile.Read(ref _connections);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        var relays = new List<Task>();
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                relays.Add(RelayAsync(client));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }

        await Task.WhenAll(relays);
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var server = new TcpClient(_target.AddressFamily))
        {
            try
            {
                await server.ConnectAsync(_target, _stop.Token);
                using var either = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                var up = client.GetStream().CopyToAsync(server.GetStream(), either.Token);
                var down = server.GetStream().CopyToAsync(client.GetStream(), either.Token);
                await Task.WhenAny(up, down);
                await either.CancelAsync();
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
            {
                // One side hung up or the relay stops: the other side is closed with it.
            }
        }
    }
}
