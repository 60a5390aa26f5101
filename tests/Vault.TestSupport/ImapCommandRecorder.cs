using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Vault.TestSupport;

/// <summary>
/// A loopback TCP relay in front of an IMAP server that reads the commands a client sends through it, so a test can
/// count what the client asked for (how many FETCHes of a message body) without a hook in the client. Server replies
/// pass through untouched. LOGIN and AUTHENTICATE lines are not kept.
/// </summary>
public sealed class ImapCommandRecorder : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _host;
    private readonly int _port;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _commands = [];
    private readonly Task _accepting;

    public ImapCommandRecorder(string host, int port)
    {
        _host = host;
        _port = port;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Every command line received so far (without its tag), oldest first.</summary>
    public IReadOnlyList<string> Commands
    {
        get
        {
            lock (_commands)
            {
                return [.. _commands];
            }
        }
    }

    /// <summary>
    /// The FETCH commands that ask for a message's content: <c>BODY[…]</c>, <c>BODY.PEEK[…]</c>, <c>BINARY[…]</c> or
    /// <c>RFC822</c>/<c>RFC822.TEXT</c> (RFC 3501 §6.4.5); FLAGS, RFC822.SIZE, BODYSTRUCTURE and the like are not.
    /// </summary>
    public IReadOnlyList<string> BodyFetches => Commands.Where(IsBodyFetch).ToList();

    public static bool IsBodyFetch(string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var upper = command.ToUpperInvariant();
        if (!upper.Contains("FETCH ", StringComparison.Ordinal))
        {
            return false;
        }

        return upper.Contains("BODY[", StringComparison.Ordinal) || upper.Contains("BODY.PEEK[", StringComparison.Ordinal)
            || upper.Contains("BINARY[", StringComparison.Ordinal) || upper.Contains("BINARY.PEEK[", StringComparison.Ordinal)
            || upper.Contains("RFC822)", StringComparison.Ordinal) || upper.Contains("RFC822 ", StringComparison.Ordinal)
            || upper.Contains("RFC822.TEXT", StringComparison.Ordinal);
    }

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
                relays.Add(RelayAsync(client));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopped.
        }

        await Task.WhenAll(relays);
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var server = new TcpClient())
        {
            try
            {
                await server.ConnectAsync(_host, _port, _stop.Token);
                using var either = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                var up = RecordAsync(client.GetStream(), server.GetStream(), either.Token);
                var down = server.GetStream().CopyToAsync(client.GetStream(), either.Token);
                await Task.WhenAny(up, down);
                await either.CancelAsync();
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
            {
                // One side hung up or the recorder stops: the other side is closed with it.
            }
        }
    }

    private async Task RecordAsync(Stream from, Stream to, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var line = new StringBuilder();
        int read;
        while ((read = await from.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] == (byte)'\n')
                {
                    Keep(line.ToString().TrimEnd('\r'));
                    line.Clear();
                }
                else if (line.Length < 4096)
                {
                    line.Append((char)buffer[i]);
                }
            }
        }
    }

    private void Keep(string line)
    {
        // A tagged command has a space after its tag; a line without one continues a SASL exchange (credentials).
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0)
        {
            return;
        }

        var command = line[(space + 1)..];
        if (command.StartsWith("LOGIN", StringComparison.OrdinalIgnoreCase) || command.StartsWith("AUTHENTICATE", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        lock (_commands)
        {
            _commands.Add(command);
        }
    }
}
