using System.Diagnostics;
using System.Globalization;

namespace Vault.TestSupport;

/// <summary>
/// A small, nearly empty file system for "the disk is full" tests: a tmpfs of a few megabytes. Root mounts its own
/// (and unmounts it on dispose); otherwise <c>VAULT_TEST_SMALL_FS</c> names one prepared beforehand (.ci/run mounts
/// one with sudo when CI does not run as root). Skips locally without either, fails under CI.
/// </summary>
public sealed class SmallFileSystem : IDisposable
{
    private readonly bool _mounted;

    private SmallFileSystem(string path, bool mounted)
    {
        Path = path;
        _mounted = mounted;
    }

    public string Path { get; }

    public static SmallFileSystem Require(int megabytes)
    {
        var prepared = Environment.GetEnvironmentVariable("VAULT_TEST_SMALL_FS");
        if (!string.IsNullOrEmpty(prepared))
        {
            TestRequirements.Require(Directory.Exists(prepared), $"VAULT_TEST_SMALL_FS={prepared} does not exist");
            var folder = System.IO.Path.Combine(prepared, $"small-{Guid.NewGuid():N}");
            Directory.CreateDirectory(folder);
            return new SmallFileSystem(folder, mounted: false);
        }

        TestRequirements.Require(OperatingSystem.IsLinux() && Environment.IsPrivilegedProcess, "mounting a small tmpfs needs root (or set VAULT_TEST_SMALL_FS)");
        var mountPoint = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"vault-small-fs-{Guid.NewGuid():N}");
        Directory.CreateDirectory(mountPoint);
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", string.Create(CultureInfo.InvariantCulture, $"size={megabytes}m"), "tmpfs", mountPoint);
        if (code != 0)
        {
            Directory.Delete(mountPoint);
        }

        TestRequirements.Require(code == 0, $"mount -t tmpfs failed: {output}");
        return new SmallFileSystem(mountPoint, mounted: true);
    }

    public void Dispose()
    {
        if (_mounted)
        {
            Run("umount", "-l", Path);
            Directory.Delete(Path);
        }
        else
        {
            Directory.Delete(Path, recursive: true);
        }
    }

    private static (int Code, string Output) Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
