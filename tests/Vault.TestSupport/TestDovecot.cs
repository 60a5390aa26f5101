using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Vault.TestSupport;

/// <summary>
/// The private Dovecot started by <c>tests/servers/dovecot/start.sh</c>. Ports, users and the run folder come from
/// the same <c>VAULT_DOVECOT_*</c> variables (and defaults) the script uses, so the two always agree.
/// </summary>
public sealed class TestDovecot
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);
    private static readonly string[] DoveadmPaths = ["/usr/bin/doveadm", "/usr/sbin/doveadm"];

    private TestDovecot()
    {
        Host = Setting("VAULT_DOVECOT_HOST", "127.0.0.1");
        ImapPort = int.Parse(Setting("VAULT_DOVECOT_IMAP_PORT", "10143"), CultureInfo.InvariantCulture);
        ImapsPort = int.Parse(Setting("VAULT_DOVECOT_IMAPS_PORT", "10993"), CultureInfo.InvariantCulture);
        Pop3Port = int.Parse(Setting("VAULT_DOVECOT_POP3_PORT", "10110"), CultureInfo.InvariantCulture);
        OAuthRelayPort = int.Parse(Setting("VAULT_DOVECOT_OAUTH_PORT", "10180"), CultureInfo.InvariantCulture);
        MasterUser = Setting("VAULT_DOVECOT_MASTER_USER", "master");
        MasterPassword = Setting("VAULT_DOVECOT_MASTER_PASSWORD", "masterpass");
        RunDirectory = Path.GetFullPath(Setting("VAULT_DOVECOT_RUN", Path.Combine(RepositoryRoot.Path, "tests", "servers", "dovecot", "run")));
    }

    public string Host { get; }

    /// <summary>Plain IMAP with STARTTLS offered.</summary>
    public int ImapPort { get; }

    /// <summary>IMAP over implicit TLS with a self-signed certificate.</summary>
    public int ImapsPort { get; }

    /// <summary>Plain POP3 with STLS offered.</summary>
    public int Pop3Port { get; }

    /// <summary>Where Dovecot's oauth2 passdb introspects tokens: start.sh's relay to the test authorization server that issued them.</summary>
    public int OAuthRelayPort { get; }

    public string MasterUser { get; }

    public string MasterPassword { get; }

    /// <summary>The run folder: users.passwd, mail/&lt;user&gt; (Maildir++), the certificate and the log.</summary>
    public string RunDirectory { get; }

    /// <summary>
    /// Accepts the test Dovecot's self-signed certificate (start.sh writes it to run/ssl/cert.pem) and nothing else:
    /// what a client with "allow insecure certificate" for this server would do.
    /// </summary>
    public RemoteCertificateValidationCallback AcceptItsCertificate()
    {
        using var expected = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(RunDirectory, "ssl", "cert.pem")));
        var thumbprint = expected.GetCertHashString(HashAlgorithmName.SHA256);
        return (_, certificate, _, _) =>
            certificate is not null && string.Equals(certificate.GetCertHashString(HashAlgorithmName.SHA256), thumbprint, StringComparison.Ordinal);
    }

    private string UsersDirectory => Path.Combine(RunDirectory, "users");

    /// <summary>The running test Dovecot; skips the test locally (fails it under CI=true) when it is not running.</summary>
    public static TestDovecot Require()
    {
        var dovecot = new TestDovecot();
        var listening = IsListening(dovecot.Host, dovecot.ImapPort);
        TestRequirements.Require(
            listening && Directory.Exists(dovecot.UsersDirectory),
            listening
                ? $"Dovecot listens on {dovecot.Host}:{dovecot.ImapPort} but {dovecot.UsersDirectory} is missing (VAULT_DOVECOT_RUN differs from start.sh's?)"
                : $"the test Dovecot is not running on {dovecot.Host}:{dovecot.ImapPort} (start it with tests/servers/dovecot/start.sh)");
        return dovecot;
    }

    /// <summary>
    /// The running test Dovecot with XOAUTH2 (its oauth2 passdb) and the introspection relay listening; skips locally (fails
    /// under CI=true) when either is missing, e.g. a Dovecot started from a config before OAuth2 (start.sh --reload).
    /// </summary>
    public static async Task<TestDovecot> RequireOAuthAsync(CancellationToken cancellationToken)
    {
        var dovecot = Require();
        using var client = new MailKit.Net.Imap.ImapClient();
        await client.ConnectAsync(dovecot.Host, dovecot.ImapPort, MailKit.Security.SecureSocketOptions.None, cancellationToken);
        var offered = client.AuthenticationMechanisms.Contains("XOAUTH2");
        await client.DisconnectAsync(true, cancellationToken);
        TestRequirements.Require(offered, $"the test Dovecot on {dovecot.Host}:{dovecot.ImapPort} does not offer XOAUTH2 (its config predates OAuth2: tests/servers/dovecot/start.sh --reload)");
        TestRequirements.Require(IsListening(dovecot.Host, dovecot.OAuthRelayPort),
            $"nothing listens on the OAuth2 introspection relay's port {dovecot.Host}:{dovecot.OAuthRelayPort} (tests/servers/dovecot/start.sh starts it)");
        return dovecot;
    }

    /// <summary>A fresh user with an empty mailbox, known to Dovecot from the moment this returns.</summary>
    public TestUser CreateUser(string prefix) => CreateUser(prefix, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)));

    /// <summary>A fresh user with the given password (users sharing one password: a "magic password" server).</summary>
    public TestUser CreateUser(string prefix, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        ArgumentException.ThrowIfNullOrEmpty(password);
        if (!prefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ArgumentException("A user name prefix is ASCII letters, digits, '-', '_' or '.'.", nameof(prefix));
        }

        var user = new TestUser($"{prefix}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5))}", password);
        // One passwd-file per user (see dovecot.conf.in), written whole and renamed into place so that Dovecot
        // never reads half a line; users created by parallel tests or test processes never touch the same file.
        var path = Path.Combine(UsersDirectory, user.Name);
        var temporary = $"{path}.tmp";
        File.WriteAllText(temporary, $"{user.Name}:{{PLAIN}}{user.Password}\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, SharedFileMode);
        }

        File.Move(temporary, path);
        return user;
    }

    /// <summary>Removes the user and its mailbox (a Dovecot process still serving it only loses its files).</summary>
    public void DeleteUser(TestUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        File.Delete(Path.Combine(UsersDirectory, user.Name));
        // A Dovecot process ending its session may still write an index file into the tree while it is deleted ("Directory
        // not empty", seen once in CI): the delete is tried again until the tree is gone, for at most 10 s.
        var deadline = Environment.TickCount64 + 10_000;
        while (Directory.Exists(UserMaildir(user)))
        {
            try
            {
                Directory.Delete(UserMaildir(user), recursive: true);
            }
            catch (IOException) when (Environment.TickCount64 < deadline)
            {
                // Tried again at once: each try removes what was written before it.
            }
        }
    }

    /// <summary>Copies a Maildir++ tree (cur/new/tmp and the dot folders, file names kept) into the user's mailbox.</summary>
    public async Task FillFromMaildirAsync(TestUser user, string maildirRoot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var source = new DirectoryInfo(maildirRoot);
        if (!source.Exists)
        {
            throw new DirectoryNotFoundException($"No Maildir at {maildirRoot}.");
        }

        var target = UserMaildir(user);
        CreateSharedDirectory(target);
        foreach (var directory in source.EnumerateDirectories("*", SearchOption.AllDirectories))
        {
            CreateSharedDirectory(Path.Combine(target, Path.GetRelativePath(source.FullName, directory.FullName)));
        }

        foreach (var file in source.EnumerateFiles("*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source.FullName, file.FullName));
            await using (var input = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
            await using (var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await input.CopyToAsync(output, cancellationToken);
            }

            // Maildir file names carry no date Dovecot trusts for INTERNALDATE; the mtime is (gen_corpus.py sets it).
            File.SetLastWriteTimeUtc(destination, file.LastWriteTimeUtc);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(destination, SharedFileMode);
            }
        }
    }

    /// <summary>Delivers each .eml file, byte for byte, to <paramref name="folder"/> (created when missing).</summary>
    public async Task FillFromEmlFilesAsync(TestUser user, string folder, IEnumerable<string> emlPaths, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(emlPaths);
        foreach (var path in emlPaths)
        {
            await AppendAsync(user, folder, await File.ReadAllBytesAsync(path, cancellationToken), cancellationToken);
        }
    }

    /// <summary>
    /// Delivers one message to <paramref name="folder"/> (created when missing; <c>/</c> separates levels) as a local
    /// delivery agent does: written to the Maildir's tmp/ and renamed into new/. Dovecot notices it like any new mail
    /// (an idling client is told at once) and serves exactly these bytes, turning only bare LF or CR into CRLF.
    /// Not an IMAP APPEND: MailKit appends only a MimeMessage, which it re-serializes: that changed a sample of
    /// corpus messages (a trailing CRLF added, headers refolded) that Dovecot itself keeps byte for byte.
    /// </summary>
    public Task AppendAsync(TestUser user, string folder, byte[] message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return DeliverAsync(user, folder, temporary => File.WriteAllBytesAsync(temporary, message, cancellationToken));
    }

    /// <summary>As <see cref="AppendAsync"/>, from a file: a message too large to hold in a test's memory.</summary>
    public Task AppendFileAsync(TestUser user, string folder, string messagePath, CancellationToken cancellationToken) =>
        DeliverAsync(user, folder, async temporary =>
        {
            await using var input = new FileStream(messagePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            await using var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            await input.CopyToAsync(output, cancellationToken);
        });

    private async Task DeliverAsync(TestUser user, string folder, Func<string, Task> write)
    {
        var directory = MaildirFolder(user, folder);
        // Maildir's <seconds>.M<microseconds>P<pid>Q<unique> name: Dovecot gives messages that arrive together their
        // UIDs in this order, so successive deliveries keep their order.
        var now = TimeProvider.System.GetUtcNow();
        var name = string.Create(
            CultureInfo.InvariantCulture,
            $"{now.ToUnixTimeSeconds()}.M{now.Ticks % TimeSpan.TicksPerSecond / 10:D6}P{Environment.ProcessId}Q{Guid.NewGuid():N}.vault-test");
        var temporary = Path.Combine(directory, "tmp", name);
        await write(temporary);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, SharedFileMode);
        }

        File.Move(temporary, Path.Combine(directory, "new", name));
    }

    /// <summary>
    /// How many sessions (IMAP or POP3 connections past login) Dovecot counts right now, for all users or for the users
    /// whose names start with <paramref name="userPrefix"/>.
    /// </summary>
    public async Task<int> AllSessionsAsync(CancellationToken cancellationToken, string? userPrefix = null)
    {
        var lines = await WhoAsync(null, cancellationToken);
        return lines.Count(line => line.Length > 0 && !line.StartsWith("username", StringComparison.Ordinal)
            && (userPrefix is null || line.StartsWith(userPrefix, StringComparison.Ordinal)));
    }

    /// <summary>
    /// How many sessions (IMAP or POP3 connections past login) Dovecot counts for <paramref name="user"/> right now,
    /// from <c>doveadm who -1</c> against this Dovecot's config. Skips locally (fails under CI) without doveadm.
    /// </summary>
    public async Task<int> SessionsAsync(TestUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        // A header line, then one line per session starting with the user name.
        return (await WhoAsync(user.Name, cancellationToken)).Count(line => line.StartsWith(user.Name + " ", StringComparison.Ordinal));
    }

    private async Task<string[]> WhoAsync(string? userName, CancellationToken cancellationToken)
    {
        var doveadm = DoveadmPaths.FirstOrDefault(File.Exists);
        TestRequirements.Require(doveadm is not null, "doveadm (Debian's dovecot-core) is not installed");
        var start = new ProcessStartInfo(doveadm!) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-c", Path.Combine(RunDirectory, "dovecot.conf"), "who", "-1" })
        {
            start.ArgumentList.Add(argument);
        }

        if (userName is not null)
        {
            start.ArgumentList.Add(userName);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("doveadm did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"doveadm who exited with {process.ExitCode}: {await errors}");
        }

        return (await output).Split('\n');
    }

    /// <summary>
    /// Runs <c>../shared/bench/gen_corpus.py</c> once per (count, seed) and caches the result under the system temp
    /// folder (the generator is deterministic). Skips locally, fails under CI, when ../shared is missing.
    /// </summary>
    public static async Task<GeneratedCorpus> RunGeneratorAsync(int count, int seed, CancellationToken cancellationToken)
    {
        var cache = Path.Combine(Path.GetTempPath(), $"vault-corpus-{count}-{seed}");
        var corpus = new GeneratedCorpus(Path.Combine(cache, "maildir"), Path.Combine(cache, "manifest.json"));
        if (File.Exists(corpus.Manifest))
        {
            return corpus;
        }

        // Generate beside the cache and rename into place, so parallel test processes never see half a corpus.
        var staging = $"{cache}.{Guid.NewGuid():N}";
        await RunGeneratorAsync(Path.Combine(staging, "maildir"), Path.Combine(staging, "manifest.json"), count, seed, cancellationToken);
        try
        {
            Directory.Move(staging, cache);
        }
        catch (IOException) when (File.Exists(corpus.Manifest))
        {
            Directory.Delete(staging, recursive: true);
        }

        return corpus;
    }

    /// <summary>Runs <c>../shared/bench/gen_corpus.py</c> into <paramref name="maildir"/>, writing <paramref name="manifest"/>.</summary>
    public static async Task RunGeneratorAsync(string maildir, string manifest, int count, int seed, CancellationToken cancellationToken)
    {
        var generator = SharedFolder.RequireGenerator();
        var start = new ProcessStartInfo("python3") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[]
        {
            generator, "--out", maildir, "--manifest", manifest,
            "--count", count.ToString(CultureInfo.InvariantCulture), "--seed", seed.ToString(CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"gen_corpus.py exited with {process.ExitCode}: {await errors}{await output}");
        }
    }

    private string UserMaildir(TestUser user) => Path.Combine(RunDirectory, "mail", user.Name);

    /// <summary>The Maildir++ directory of a folder, created with cur/new/tmp when missing.</summary>
    private string MaildirFolder(TestUser user, string folder)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var root = UserMaildir(user);
        var directory = string.Equals(folder, "INBOX", StringComparison.OrdinalIgnoreCase)
            ? root
            : Path.Combine(root, "." + string.Join('.', folder.Split('/').Select(MaildirName)));
        var isNew = !Directory.Exists(Path.Combine(directory, "cur"));
        foreach (var path in new[] { root, directory, Path.Combine(directory, "cur"), Path.Combine(directory, "new"), Path.Combine(directory, "tmp") })
        {
            CreateSharedDirectory(path);
        }

        if (isNew && directory != root)
        {
            // Maildir++: a folder directory is marked with an empty maildirfolder file.
            File.Create(Path.Combine(directory, "maildirfolder")).Dispose();
        }

        return directory;
    }

    /// <summary>One level of a folder name as Dovecot names it on disk: modified UTF-7 (RFC 3501 §5.1.3).</summary>
    private static string MaildirName(string name)
    {
        if (name.Length == 0 || name.Contains('.', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Folder level '{name}' is empty or holds '.', the Maildir++ separator.", nameof(name));
        }

        var encoded = new StringBuilder();
        var pending = new StringBuilder();
        foreach (var c in name)
        {
            if (c is >= ' ' and <= '~')
            {
                Flush();
                encoded.Append(c == '&' ? "&-" : c.ToString());
            }
            else
            {
                pending.Append(c);
            }
        }

        Flush();
        return encoded.ToString();

        void Flush()
        {
            if (pending.Length > 0)
            {
                var base64 = Convert.ToBase64String(Encoding.BigEndianUnicode.GetBytes(pending.ToString()));
                encoded.Append('&').Append(base64.TrimEnd('=').Replace('/', ',')).Append('-');
                pending.Clear();
            }
        }
    }

    private const UnixFileMode SharedFileMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;

    private const UnixFileMode SharedDirectoryMode = SharedFileMode
        | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>
    /// Under root, Dovecot reads and renames mail as nobody (it refuses uid 0), so folders the tests create must be
    /// open to it; as a normal user both sides are the same user and the mode does not matter.
    /// </summary>
    private static void CreateSharedDirectory(string path)
    {
        Directory.CreateDirectory(path);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, SharedDirectoryMode);
        }
    }

    private static bool IsListening(string host, int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
        try
        {
            socket.Connect(IPAddress.Parse(host), port);
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
            // A non-blocking connect completes later: wait for it with a short timeout instead of the OS's minutes.
            return socket.Poll(ProbeTimeout, SelectMode.SelectWrite) && !socket.Poll(0, SelectMode.SelectError);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string Setting(string variable, string fallback)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        return string.IsNullOrEmpty(value) ? fallback : value;
    }
}
