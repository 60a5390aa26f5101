using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Vault.Ingestion.Tests.Connections;

/// <summary>
/// A loopback IMAP server replaying a recorded provider transcript: the greeting, a CAPABILITY answer, then the
/// recorded reply to LOGIN ("{tag}" stands for the client's tag), and optionally the untagged lines of other commands
/// (NAMESPACE, LIST), each then completed with OK. Only for what a real server cannot be made to say.
/// </summary>
internal sealed class ScriptedImapServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;

    private readonly IReadOnlyDictionary<string, string[]> _replies;

    public ScriptedImapServer(string greeting, string capabilities, IReadOnlyList<string> loginReply, X509Certificate2? certificate = null, IReadOnlyDictionary<string, string[]>? replies = null)
    {
        _replies = replies ?? new Dictionary<string, string[]>();
        _listener.Start();
        _serving = ServeAsync(greeting, capabilities, loginReply, certificate);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Each command received, without its tag and arguments; AUTHENTICATE with its mechanism (never the credentials).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Commands { get; } = new();

    public static X509Certificate2 SelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=scripted.vault.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    private async Task ServeAsync(string greeting, string capabilities, IReadOnlyList<string> loginReply, X509Certificate2? certificate)
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Stream stream = client.GetStream();
                if (certificate is not null)
                {
                    var ssl = new SslStream(stream);
                    try
                    {
                        await ssl.AuthenticateAsServerAsync(certificate);
                    }
                    catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException)
                    {
                        continue; // the client refused our certificate: exactly what some tests want
                    }

                    stream = ssl;
                }

                await using (stream)
                {
                    try
                    {
                        await ConverseAsync(stream, greeting, capabilities, loginReply);
                    }
                    catch (IOException)
                    {
                        // The client hung up. With TLS 1.3 our side of the handshake can finish before the client
                        // checks (and refuses) the certificate, so the greeting may meet a closed socket.
                    }
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task ConverseAsync(Stream stream, string greeting, string capabilities, IReadOnlyList<string> loginReply)
    {
        using var reader = new StreamReader(stream, Encoding.ASCII, false, 1024, leaveOpen: true);
        await WriteAsync(stream, greeting);
        while (await reader.ReadLineAsync(_stop.Token) is { } line)
        {
            var parts = line.Split(' ', 3);
            var tag = parts[0];
            var command = parts.Length > 1 ? parts[1].ToUpperInvariant() : string.Empty;
            Commands.Enqueue(command == "AUTHENTICATE" && parts.Length > 2 ? $"{command} {parts[2].Split(' ')[0]}" : command);
            switch (command)
            {
                case "CAPABILITY":
                    await WriteAsync(stream, $"* CAPABILITY {capabilities}", $"{tag} OK CAPABILITY completed.");
                    break;
                case "LOGIN":
                case "AUTHENTICATE":
                    await WriteAsync(stream, [.. loginReply.Select(reply => reply.Replace("{tag}", tag, StringComparison.Ordinal))]);
                    if (loginReply.Any(reply => reply.StartsWith("* BYE", StringComparison.Ordinal)))
                    {
                        return;
                    }

                    break;
                case "LOGOUT":
                    await WriteAsync(stream, "* BYE Logging out", $"{tag} OK LOGOUT completed.");
                    return;
                default:
                    await WriteAsync(stream, [.. _replies.GetValueOrDefault(command, []), $"{tag} OK done."]);
                    break;
            }
        }
    }

    private async Task WriteAsync(Stream stream, params string[] lines)
    {
        var bytes = Encoding.ASCII.GetBytes(string.Concat(lines.Select(line => line + "\r\n")));
        await stream.WriteAsync(bytes, _stop.Token);
        await stream.FlushAsync(_stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _serving;
        _stop.Dispose();
    }
}
