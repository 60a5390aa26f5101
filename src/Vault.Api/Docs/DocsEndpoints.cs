using Scalar.AspNetCore;

namespace Vault.Api.Docs;

/// <summary><c>/docs</c>: interactive API documentation (Scalar) over <c>/openapi/v1.json</c>, served whole by Vault itself.</summary>
public static class DocsEndpoints
{
    public const string Path = "/docs";

    /// <summary>The OpenAPI document, with the API key declared where routes require it.</summary>
    public static IHostApplicationBuilder AddApiDocs(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOpenApi(options => options
            .AddDocumentTransformer<ApiKeySecurityTransformer>()
            .AddOperationTransformer<ApiKeySecurityTransformer>());
        return builder;
    }

    public static IEndpointRouteBuilder MapDocs(this IEndpointRouteBuilder app)
    {
        app.MapScalarApiReference(Path, options => options
            .WithTitle("Vault API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            // The key's field is open at once: every /api operation needs it (ApiKeySecurityTransformer).
            .AddPreferredSecuritySchemes(ApiKeySecurityTransformer.SchemeId)
            // Nothing from outside Vault: no web fonts, no telemetry, no hosted agent or proxy.
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp());
        return app;
    }
}
