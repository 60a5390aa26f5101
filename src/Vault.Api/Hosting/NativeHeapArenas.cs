using System.Runtime.InteropServices;

namespace Vault.Api.Hosting;

/// <summary>
/// Caps glibc's malloc at two arenas (<c>mallopt(M_ARENA_MAX, 2)</c>, what <c>MALLOC_ARENA_MAX=2</c> does). By default
/// glibc gives each thread that calls malloc an arena of its own, up to eight per core, and an arena keeps the memory
/// freed into it. Vault's native allocations (SQLite's page caches, zstd, the runtime's and the JIT's own) come from many
/// pool threads: at the 10,000-message benchmark's peak, malloc held about 45 MiB in ten arenas. With the cap, the
/// anonymous memory at the 100,000-message peak was 135-136 MiB against 144-149 MiB, and the 10,000-message peak RSS
/// 234-238 MiB against 237-246 MiB in five alternating pairs, CPU time within the host's noise (README, Benchmark).
/// On 2 cores two arenas are as many as can be busy at once. Arenas made before the call stay; later threads share.
/// </summary>
internal static partial class NativeHeapArenas
{
    /// <summary>glibc's <c>M_ARENA_MAX</c> parameter of <c>mallopt(3)</c>.</summary>
    private const int ArenaMaxParameter = -8;

    private const int Arenas = 2;

    /// <summary>
    /// Applies the cap, before the host starts its threads. Not where the process is not on glibc (musl has no such
    /// call) or where the operator set <c>MALLOC_ARENA_MAX</c>, which glibc has already applied.
    /// </summary>
    /// <returns>Whether the cap is now glibc's setting.</returns>
    public static bool Limit()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is not null)
        {
            return false;
        }

        try
        {
            return Mallopt(ArenaMaxParameter, Arenas) == 1;
        }
        catch (EntryPointNotFoundException)
        {
            // Not glibc: its malloc keeps no per-thread arenas to cap.
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int Mallopt(int parameter, int value);
}
