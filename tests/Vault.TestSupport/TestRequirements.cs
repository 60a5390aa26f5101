using Xunit;

namespace Vault.TestSupport;

/// <summary>
/// How a test meets a missing prerequisite (Dovecot, ../shared, Chromium): locally it skips with the reason;
/// under <c>CI=true</c> it fails, because CI must have everything.
/// </summary>
public static class TestRequirements
{
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static void Require(bool available, string reason)
    {
        if (available)
        {
            return;
        }

        if (IsCi)
        {
            Assert.Fail($"CI=true and a prerequisite is missing: {reason}");
        }

        Assert.Skip(reason);
    }
}
