using Vault.Api.Auth;
using Vault.Api.Connectors;
using Vault.Api.Docs;
using Vault.Api.Export;
using Vault.Api.Health;
using Vault.Api.Import;
using Vault.Api.Integrity;
using Vault.Api.Hosting;
using Vault.Api.Messages;
using Vault.Api.OAuth;
using Vault.Api.Onboarding;
using Vault.Api.Overview;
using Vault.Api.Search;
using Vault.Search;
using Vault.Api.Providers;
using Vault.Api.Restore;
using Vault.Api.Sources;
using Vault.Archive;
using Vault.Archive.Schema;
using Vault.Ingestion;

NativeHeapArenas.Limit();

var builder = WebApplication.CreateBuilder(args);

builder.AddVaultLogging();
builder.AddVaultDataDirectory();
builder.Services.AddArchive(builder.Configuration);
builder.AddApiKey();
builder.AddObservability();
builder.AddSearch();
builder.AddSources();
builder.AddIngestion();
builder.AddHealth();
builder.AddExport();
builder.AddImport();
builder.AddOAuth();
builder.AddOnboarding();
builder.Services.AddProblemDetails();
builder.AddBadRequestProblems();
builder.AddApiDocs();

var app = builder.Build();

app.UseMiddleware<SecurityHeadersMiddleware>();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseMiddleware<DocsPolicyMiddleware>();
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseRateLimiter();
app.UseAuthentication();
app.UseAuthorization();

app.MapHealth();
app.MapPrometheusScrapingEndpoint("/metrics");
app.MapOpenApi("/openapi/{documentName}.json");
app.MapDocs();
app.MapDownloads();
app.MapOAuthCallback();
app.MapOnboarding();

var api = app.MapGroup("/api").RequireApiKey();
api.MapGet("/", () => TypedResults.Ok(new { name = "Vault" })).WithName("ApiRoot");
api.MapSearch();
api.MapMessages();
api.MapImport();
api.MapSources();
api.MapConnectors();
api.MapInvitations();
api.MapOverview();
api.MapProviders();
api.MapExport();
api.MapVerify();
api.MapOAuth();
api.MapRestore();

try
{
    await app.RunAsync();
}
catch (ArchiveSchemaTooNewException)
{
    // The archive's start-up step has logged why in plain words; exit with that instead of an unhandled-exception dump.
    return 1;
}

return 0;

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
