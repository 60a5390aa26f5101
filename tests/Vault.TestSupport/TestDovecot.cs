using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace Vault.TestSupport;

/// <summary>
/// The private Dovecot started by <c>tests/servers/dovecot/start.sh</c>. Ports, users and the run folder come from
/// the same <c>VAULT_DOVECOT_*</c> variables (and defaults) the script uses, so the two always agree.
/// </summary>
public sealed class TestDovecot
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan UsersFileLockTimeout = TimeSpan.FromSeconds(10);
    private static readonly Lock UsersFileLock = new();

    private TestDovecot()
    {
        Host = Setting("VAULT_DOVECOT_HOST", "127.0.0.1");
        ImapPort = int.Parse(Setting("VAULT_DOVECOT_IMAP_PORT", "10143"), CultureInfo.InvariantCulture);
        ImapsPort = int.Parse(Setting("VAULT_DOVECOT_IMAPS_PORT", "10993"), CultureInfo.InvariantCulture);
        Pop3Port = int.Parse(Setting("VAULT_DOVECOT_POP3_PORT", "10110"), CultureInfo.InvariantCulture);
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

    public string MasterUser { get; }

    public string MasterPassword { get; }

    /// <summary>The run folder: users.passwd, mail/&lt;user&gt; (Maildir++), the certificate and the log.</summary>
    public string RunDirectory { get; }

    private string UsersFile => Path.Combine(RunDirectory, "users.passwd");

    /// <summary>The running test Dovecot; skips the test locally (fails it under CI=true) when it is not running.</summary>
    public static TestDovecot Require()
    {
        var dovecot = new TestDovecot();
        var listening = IsListening(dovecot.Host, dovecot.ImapPort);
        TestRequirements.Require(
            listening && File.Exists(dovecot.UsersFile),
            listening
                ? $"Dovecot listens on {dovecot.Host}:{dovecot.ImapPort} but {dovecot.UsersFile} is missing (VAULT_DOVECOT_RUN differs from start.sh's?)"
                : $"the test Dovecot is not running on {dovecot.Host}:{dovecot.ImapPort} (start it with tests/servers/dovecot/start.sh)");
        return dovecot;
    }

    /// <summary>A fresh user with an empty mailbox; Dovecot re-reads the changed passwd-file at the next login.</summary>
    public TestUser CreateUser(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        if (!prefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ArgumentException("A user name prefix is ASCII letters, digits, '-', '_' or '.'.", nameof(prefix));
        }

        var user = new TestUser(
            $"{prefix}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5))}",
            Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)));
        var line = Encoding.UTF8.GetBytes($"{user.Name}:{{PLAIN}}{user.Password}\n");

        // Test classes run in parallel threads and test projects in parallel processes: the in-process lock orders
        // threads, the exclusive open (flock under .NET on Unix) orders processes.
        lock (UsersFileLock)
        {
            using var file = OpenExclusively(UsersFile);
            file.Seek(0, SeekOrigin.End);
            file.Write(line);
            file.Flush(flushToDisk: false);
        }

        return user;
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

    /// <summary>APPENDs each .eml file, byte for byte, to <paramref name="folder"/> (created when missing).</summary>
    public async Task FillFromEmlFilesAsync(TestUser user, string folder, IEnumerable<string> emlPaths, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(emlPaths);
        using var client = await ConnectAsync(user, cancellationToken);
        var target = await OpenOrCreateAsync(client, folder, cancellationToken);
        foreach (var path in emlPaths)
        {
            await AppendAsync(target, await File.ReadAllBytesAsync(path, cancellationToken), cancellationToken);
        }

        await client.DisconnectAsync(quit: true, cancellationToken);
    }

    /// <summary>IMAP APPEND of one message to <paramref name="folder"/> (created when missing), as a client would deliver it.</summary>
    public async Task AppendAsync(TestUser user, string folder, byte[] message, CancellationToken cancellationToken)
    {
        using var client = await ConnectAsync(user, cancellationToken);
        var target = await OpenOrCreateAsync(client, folder, cancellationToken);
        await AppendAsync(target, message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
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

    private async Task<ImapClient> ConnectAsync(TestUser user, CancellationToken cancellationToken)
    {
        var client = new ImapClient();
        try
        {
            await client.ConnectAsync(Host, ImapPort, SecureSocketOptions.None, cancellationToken);
            await client.AuthenticateAsync(new NetworkCredential(user.Name, user.Password), cancellationToken);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private static async Task<IMailFolder> OpenOrCreateAsync(ImapClient client, string folder, CancellationToken cancellationToken)
    {
        if (string.Equals(folder, "INBOX", StringComparison.OrdinalIgnoreCase))
        {
            return client.Inbox;
        }

        var parent = client.GetFolder(client.PersonalNamespaces[0]);
        foreach (var name in folder.Split('/'))
        {
            try
            {
                parent = await parent.GetSubfolderAsync(name, cancellationToken);
            }
            catch (FolderNotFoundException)
            {
                parent = await parent.CreateAsync(name, isMessageFolder: true, cancellationToken)
                    ?? throw new InvalidOperationException($"CREATE {folder} returned no folder.");
            }
        }

        return parent;
    }

    private static async Task AppendAsync(IMailFolder folder, byte[] message, CancellationToken cancellationToken)
    {
        // MailKit only appends a MimeMessage. A message parsed and written back unmodified keeps its bytes (MimeKit
        // writes the raw header and content bytes it read); only bare LF becomes CRLF, which IMAP requires anyway
        // and Dovecot would serve as CRLF regardless.
        using var stream = new MemoryStream(message, writable: false);
        using var parsed = await MimeMessage.LoadAsync(stream, persistent: true, cancellationToken);
        await folder.AppendAsync(new AppendRequest(parsed, MessageFlags.None), cancellationToken);
    }

    private static FileStream OpenExclusively(string path)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None);
            }
            catch (IOException) when (deadline.Elapsed < UsersFileLockTimeout)
            {
                // Another test process holds the lock for the few microseconds of its append.
                Thread.Yield();
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
