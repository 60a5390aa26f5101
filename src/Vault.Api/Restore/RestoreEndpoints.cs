using FluentValidation.Results;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Vault.Api.Sources;
using Vault.Archive.Connectors;
using Vault.Archive.Jobs;
using Vault.Archive.Messages;
using Vault.Archive.Sources;
using Vault.Ingestion.Restore;
using Vault.Search.QueryLanguage;
using Vault.Search.Searching;

namespace Vault.Api.Restore;

/// <summary>
/// <c>POST /api/sources/{id}/restore</c> (202 with the restore, a Quartz job), <c>GET /api/restores/{id}</c> (its
/// progress), <c>GET /api/restores?sourceId=</c>, and <c>POST /api/restores/{id}/resume</c> (a Failed restore goes on
/// from its checkpoint). The target's password is encrypted before it is saved and never answered.
/// </summary>
public static class RestoreEndpoints
{
    public static RouteGroupBuilder MapRestore(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var group = api.MapGroup("/").WithTags("Restore");
        group.MapPost("/sources/{id}/restore", StartAsync).WithName("StartRestore");
        group.MapGet("/restores", ListAsync).WithName("ListRestores");
        group.MapGet("/restores/{restoreId}", GetAsync).WithName("GetRestore");
        group.MapPost("/restores/{restoreId}/resume", ResumeAsync).WithName("ResumeRestore");
        return group;
    }

    private static async Task<Results<Accepted<RestoreResponse>, ValidationProblem, ProblemHttpResult>> StartAsync(
        string id,
        RestoreRequest request,
        [FromServices] ISourceStore store,
        [FromServices] IConnectorStore connectors,
        [FromServices] IMessageCatalog catalog,
        [FromServices] SearchService search,
        [FromServices] CredentialProtector passwords,
        [FromServices] RestoreRunner runner,
        [FromServices] TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (await store.GetSourceAsync(id, cancellationToken) is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Source not found", detail: $"There is no source '{id}'.");
        }

        var errors = ToDictionary((await RestoreRequestValidator.Instance.ValidateAsync(request, cancellationToken)).Errors);
        var connector = request.ConnectorId is { } connectorId ? await connectors.GetConnectorAsync(connectorId, cancellationToken) : null;
        if (request.ConnectorId is not null && connector is null)
        {
            errors["connectorId"] = [$"There is no connector '{request.ConnectorId}'."];
        }
        else if (connector is { Settings.AuthMode: ConnectorAuthMode.PerUser } && string.IsNullOrEmpty(request.Password))
        {
            errors["password"] = ["This connector's mailboxes log in with their own password: give the target mailbox's password."];
        }

        if (request.Folders is { Count: > 0 } folders)
        {
            var archived = (await catalog.ListFoldersAsync(id, cancellationToken)).Select(f => f.Folder).ToHashSet(StringComparer.Ordinal);
            var unknown = folders.Where(f => !archived.Contains(f)).ToList();
            if (unknown.Count > 0)
            {
                errors["folders"] = [$"The source has no archived folder named {string.Join(", ", unknown.Select(f => $"'{f}'"))}."];
            }
        }

        int? position = null;
        if (!string.IsNullOrWhiteSpace(request.Query))
        {
            try
            {
                search.Validate(request.Query);
            }
            catch (SearchQueryException ex)
            {
                errors["query"] = [ex.Message];
                position = ex.Position;
            }
        }

        if (errors.Count > 0)
        {
            // A query syntax error carries its position as GET /api/search's does.
            return TypedResults.ValidationProblem(errors, extensions: position is null ? null : new Dictionary<string, object?> { ["position"] = position });
        }

        var restore = new RestoreRecord
        {
            Id = SourceIds.New(),
            SourceId = id,
            Target = Target(request, connector),
            EncryptedPassword = string.IsNullOrEmpty(request.Password) ? [] : passwords.Protect(request.Password),
            SelectedFolders = request.Folders?.Distinct(StringComparer.Ordinal).ToList(),
            Query = request.Query?.Trim(),
            CreatedAt = time.GetUtcNow(),
        };
        restore = await runner.StartAsync(restore, cancellationToken);
        return TypedResults.Accepted($"/api/restores/{restore.Id}", RestoreResponse.From(restore));
    }

    private static async Task<Ok<RestoreResponse[]>> ListAsync(string? sourceId, [FromServices] IJobReportStore reports, CancellationToken cancellationToken)
    {
        var restores = await reports.ListRestoresAsync(cancellationToken);
        return TypedResults.Ok(restores
            .Where(r => sourceId is null || r.SourceId == sourceId)
            .OrderByDescending(r => r.CreatedAt)
            .Select(RestoreResponse.From)
            .ToArray());
    }

    private static async Task<Results<Ok<RestoreResponse>, ProblemHttpResult>> GetAsync(string restoreId, [FromServices] IJobReportStore reports, CancellationToken cancellationToken) =>
        await reports.GetRestoreAsync(restoreId, cancellationToken) is { } restore ? TypedResults.Ok(RestoreResponse.From(restore)) : NotFound(restoreId);

    private static async Task<Results<Accepted<RestoreResponse>, ProblemHttpResult>> ResumeAsync(string restoreId, [FromServices] RestoreRunner runner, CancellationToken cancellationToken) =>
        await runner.ResumeAsync(restoreId, cancellationToken) is { } restore
            ? TypedResults.Accepted($"/api/restores/{restore.Id}", RestoreResponse.From(restore))
            : NotFound(restoreId);

    /// <summary>A mailbox by its own server, or a connector's mailbox (its server settings copied for display).</summary>
    private static RestoreTarget Target(RestoreRequest request, Connector? connector)
    {
        var timeout = SourceSettingsFactory.Duration(request.Timeout) ?? SourceSettingsFactory.DefaultTimeout;
        var prefix = string.IsNullOrWhiteSpace(request.FolderPrefix) ? null : request.FolderPrefix.Trim().Trim('/');
        if (connector is not null)
        {
            var settings = connector.Settings;
            return new RestoreTarget
            {
                Host = settings.Host,
                Port = settings.Port,
                TlsMode = settings.TlsMode,
                AllowInsecureCertificate = settings.AllowInsecureCertificate,
                Username = request.Username!.Trim(),
                Timeout = settings.Timeout,
                FolderPrefix = prefix,
                ConnectorId = connector.Id,
            };
        }

        // The same defaults as a source's: TLS unless 'tls': false, port 993 (143 without TLS), STARTTLS on 143.
        var tls = request.Tls ?? true;
        var port = request.Port ?? SourceSettingsFactory.DefaultPort(MailProtocol.Imap, tls);
        return new RestoreTarget
        {
            Host = MailHost.Normalize(request.Host!.Trim()) ?? request.Host.Trim(),
            Port = port,
            TlsMode = !tls ? TlsMode.None : request.TlsMode switch
            {
                "starttls" => TlsMode.StartTls,
                "implicit" => TlsMode.Implicit,
                _ => port == 143 ? TlsMode.StartTls : TlsMode.Implicit,
            },
            AllowInsecureCertificate = request.AllowInsecureCertificate ?? false,
            Username = request.Username!.Trim(),
            Timeout = timeout,
            FolderPrefix = prefix,
        };
    }

    private static Dictionary<string, string[]> ToDictionary(IEnumerable<ValidationFailure> failures) =>
        failures
            .GroupBy(failure => string.IsNullOrEmpty(failure.PropertyName) ? failure.PropertyName : char.ToLowerInvariant(failure.PropertyName[0]) + failure.PropertyName[1..])
            .ToDictionary(group => group.Key, group => group.Select(failure => failure.ErrorMessage).Distinct().ToArray());

    private static ProblemHttpResult NotFound(string restoreId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Restore not found", detail: $"There is no restore '{restoreId}'.");
}
