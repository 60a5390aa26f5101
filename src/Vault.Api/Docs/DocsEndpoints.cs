using Scalar.AspNetCore;

namespace Vault.Api.Docs;

/// <summary><c>/docs</c>: interactive API documentation (Scalar) over <c>/openapi/v1.json</c>, served whole by Vault itself.</summary>
public static class DocsEndpoints
{
    public const string Path = "/docs";

    public static IEndpointRouteBuilder MapDocs(this IEndpointRouteBuilder app)
    {
        app.MapScalarApiReference(Path, options => options
            .WithTitle("Vault API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            // Nothing from outside Vault: no web fonts, no telemetry, no hosted agent or proxy.
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp());
        return app;
    }
}
