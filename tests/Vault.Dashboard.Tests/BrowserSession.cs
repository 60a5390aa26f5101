using System.Collections.Concurrent;
using Microsoft.Playwright;
using Vault.TestSupport;

namespace Vault.Dashboard.Tests;

/// <summary>
/// Debian's Chromium (/usr/bin/chromium) driven by Playwright's bundled driver, headless, with a fresh profile.
/// No <c>playwright install</c>: the browser is the system one. Every request the page makes is recorded.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private readonly IPlaywright _playwright;
    private readonly TempDirectory _profile;
    private readonly ConcurrentQueue<string> _requests = new();

    private BrowserSession(IPlaywright playwright, TempDirectory profile, IBrowserContext context, IPage page)
    {
        _playwright = playwright;
        _profile = profile;
        Context = context;
        Page = page;
        page.Request += (_, request) => _requests.Enqueue(request.Url);
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    /// <summary>Every URL the page requested so far, in order.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public static async Task<BrowserSession> StartAsync()
    {
        TestRequirements.Require(File.Exists(ChromiumPath), $"Chromium is not installed at {ChromiumPath} (apt-get install chromium)");
        var playwright = await Playwright.CreateAsync();
        var profile = new TempDirectory("vault-chromium");
        try
        {
            var context = await playwright.Chromium.LaunchPersistentContextAsync(profile.Path, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ChromiumArgs,
                ViewportSize = new ViewportSize { Width = 1366, Height = 900 },
                AcceptDownloads = true,
            });
            // Two shared cores and several browsers at once: give the page time, the tests still wait on conditions.
            context.SetDefaultTimeout(15_000);
            Assertions.SetDefaultExpectTimeout(15_000);
            var page = context.Pages.Count > 0 ? context.Pages[0] : await context.NewPageAsync();
            return new BrowserSession(playwright, profile, context, page);
        }
        catch
        {
            playwright.Dispose();
            profile.Dispose();
            throw;
        }
    }

    /// <summary>Saves a full-page PNG under TestResults/screenshots and returns its path.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var path = Path.Combine(ScreenshotFolder, $"{name}.png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await Context.CloseAsync();
        _playwright.Dispose();
        _profile.Dispose();
    }
}
