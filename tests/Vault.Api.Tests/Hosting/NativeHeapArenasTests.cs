using Vault.Api.Hosting;

namespace Vault.Api.Tests.Hosting;

public sealed class NativeHeapArenasTests
{
    [Fact]
    public void On_glibc_the_arena_cap_reaches_malloc()
    {
        // The benchmark shows what the cap saves; this shows the call reaches glibc here (and CI's machine is glibc).
        Assert.SkipUnless(OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is null, "glibc on Linux, without MALLOC_ARENA_MAX set");

        Assert.True(NativeHeapArenas.Limit());
    }
}
