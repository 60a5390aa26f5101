using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Vault.Api.Hosting;

namespace Vault.Api.Docs;

/// <summary>
/// Scalar's page starts itself with an inline module script whose text Vault does not write. Rather than allow every
/// inline script on <c>/docs</c>, this buffers that small page, hashes each inline script in it and sends a
/// Content-Security-Policy allowing exactly those (CSP Level 2 hash sources).
/// </summary>
public sealed partial class DocsPolicyMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = context.Request.Path;
        if (!path.StartsWithSegments(DocsEndpoints.Path, out var rest) || rest.Value is not ("/" or "/index.html"))
        {
            await next(context);
            return;
        }

        var original = context.Response.Body;
        using var page = new MemoryStream();
        context.Response.Body = page;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }

        var html = Encoding.UTF8.GetString(page.GetBuffer(), 0, (int)page.Length);
        var hashes = InlineScript().Matches(html)
            .Select(match => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(match.Groups["body"].Value))));
        context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicies.Docs(hashes);
        page.Position = 0;
        await page.CopyToAsync(original, context.RequestAborted);
    }

    /// <summary>A script element without a src attribute, and its text.</summary>
    [GeneratedRegex(@"<script(?![^>]*\bsrc\s*=)[^>]*>(?<body>.*?)</script>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();
}
