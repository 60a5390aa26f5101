using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Vault.Ingestion.Tests.Pop3;

/// <summary>
/// A loopback POP3 server for what the test Dovecot cannot be made to say: a recorded answer to PASS (an [IN-USE],
/// [SYS/TEMP] or provider text), a server without UIDL, one announcing EXPIRE 0. It serves one message and counts the
/// commands it was sent, so a test can also show that no DELE ever arrives.
/// </summary>
internal sealed class ScriptedPop3Server : IAsyncDisposable
{
    private const string Message = "From: a@example.org\r\nSubject: scripted\r\n\r\nBody.\r\n";

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly string[] _capabilities;
    private readonly string _passReply;
    private readonly List<string> _commands = [];
    private readonly Task _serving;

    /// <param name="capabilities">CAPA lines; without "UIDL" the server answers UIDL with -ERR.</param>
    /// <param name="passReply">The answer to PASS ("+OK ..." to log in).</param>
    public ScriptedPop3Server(string[] capabilities, string passReply)
    {
        _capabilities = capabilities;
        _passReply = passReply;
        _listener.Start();
        _serving = ServeAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Every command verb received so far (USER, PASS, UIDL, ...), in order.</summary>
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

    private async Task ServeAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                try
                {
                    await ConverseAsync(client.GetStream());
                }
                catch (IOException)
                {
                    // The client hung up.
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task ConverseAsync(NetworkStream stream)
    {
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("+OK scripted POP3 ready.");
        var hasUidl = _capabilities.Contains("UIDL", StringComparer.Ordinal);
        while (await reader.ReadLineAsync(_stop.Token) is { } line)
        {
            var verb = line.Split(' ')[0].ToUpperInvariant();
            lock (_commands)
            {
                _commands.Add(verb);
            }

            switch (verb)
            {
                case "CAPA":
                    await writer.WriteLineAsync("+OK Capability list follows");
                    foreach (var capability in _capabilities)
                    {
                        await writer.WriteLineAsync(capability);
                    }

                    await writer.WriteLineAsync(".");
                    break;
                case "USER":
                    await writer.WriteLineAsync("+OK");
                    break;
                case "PASS":
                    await writer.WriteLineAsync(_passReply);
                    if (!_passReply.StartsWith("+OK", StringComparison.Ordinal))
                    {
                        return;
                    }

                    break;
                case "STAT":
                    await writer.WriteLineAsync($"+OK 1 {Message.Length}");
                    break;
                case "LIST":
                    await writer.WriteLineAsync(line.Contains(' ', StringComparison.Ordinal) ? $"+OK 1 {Message.Length}" : $"+OK\r\n1 {Message.Length}\r\n.");
                    break;
                case "UIDL" when hasUidl:
                    await writer.WriteLineAsync(line.Contains(' ', StringComparison.Ordinal) ? "+OK 1 scripted-1" : "+OK\r\n1 scripted-1\r\n.");
                    break;
                case "RETR":
                    await writer.WriteAsync($"+OK {Message.Length} octets\r\n{Message}.\r\n");
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("+OK Bye.");
                    return;
                default:
                    await writer.WriteLineAsync("-ERR Unknown command.");
                    break;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _serving;
        _stop.Dispose();
    }
}
