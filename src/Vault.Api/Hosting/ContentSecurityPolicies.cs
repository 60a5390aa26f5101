namespace Vault.Api.Hosting;

/// <summary>The Content-Security-Policy values Vault sends, by what is served.</summary>
public static class ContentSecurityPolicies
{
    /// <summary>
    /// The dashboard: its own scripts, styles and API only; no inline script, style or handler; never framed.
    /// </summary>
    public const string Dashboard = "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// API answers (JSON, raw messages, attachments): nothing in them may run or load anything, should a browser ever
    /// render one (<c>sandbox</c> also gives it an opaque origin, away from the dashboard's storage).
    /// </summary>
    public const string Api = "default-src 'none'; frame-ancestors 'none'; sandbox";

    /// <summary>
    /// The API documentation page (Scalar): its bundled script and the inline start-up script it writes, allowed by
    /// hash; Scalar sets styles inline and uses data: images, which only this page allows.
    /// </summary>
    public static string Docs(IEnumerable<string> inlineScriptHashes) =>
        "default-src 'self'; " +
        $"script-src 'self' {string.Join(' ', inlineScriptHashes.Select(hash => $"'sha256-{hash}'"))}; " +
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
}
