using System.Text;
using FluentValidation.Results;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Vault.Api.Sources;
using Vault.Archive;
using Vault.Search.Indexing;
using Vault.Archive.Connectors;
using Vault.Archive.Sources;
using Vault.Ingestion.Connections;
using Vault.Ingestion.Connectors;
using Vault.Ingestion.Credentials;
using Vault.Ingestion.Sources;

namespace Vault.Api.Connectors;

/// <summary><c>/api/connectors</c>: ARCHITECTURE.md's "Connectors (admin mode)".</summary>
public static class ConnectorEndpoints
{
    public static RouteGroupBuilder MapConnectors(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var group = api.MapGroup("/connectors").WithTags("Connectors");
        group.MapPost("/", CreateAsync);
        group.MapGet("/", ListAsync);
        group.MapPost("/test", TestAsync);
        group.MapGet("/{id}", GetAsync);
        group.MapPut("/{id}", EditAsync);
        group.MapDelete("/{id}", DeleteAsync);
        group.MapPost("/{id}/pause", PauseAsync);
        group.MapPost("/{id}/resume", ResumeAsync);
        group.MapGet("/{id}/mailboxes", ListMailboxesAsync);
        group.MapPost("/{id}/mailboxes", AddMailboxesAsync);
        group.MapPost("/{id}/mailboxes/csv", AddMailboxesCsvAsync).Accepts<string>("text/csv");
        return group;
    }

    private static async Task<Results<Created<ConnectorResponse>, ValidationProblem>> CreateAsync(
        ConnectorRequest request,
        [FromServices] IConnectorStore connectors,
        [FromServices] CredentialProtector protector,
        [FromServices] ConnectorLifecycle lifecycle,
        CancellationToken cancellationToken)
    {
        if (await ValidateAsync(request, ConnectorRequestValidator.ForCreate, null, connectors, cancellationToken) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var password = string.IsNullOrEmpty(request.AdminPassword) ? null : protector.Protect(request.AdminPassword);
        var connector = await lifecycle.CreateAsync(ConnectorSettingsFactory.From(request), password, cancellationToken);
        return TypedResults.Created($"/api/connectors/{connector.Id}", ConnectorResponse.From(connector, []));
    }

    private static async Task<Ok<ConnectorResponse[]>> ListAsync([FromServices] IConnectorStore connectors, CancellationToken cancellationToken)
    {
        var list = new List<ConnectorResponse>();
        foreach (var connector in await connectors.ListConnectorsAsync(cancellationToken))
        {
            list.Add(ConnectorResponse.From(connector, await connectors.ListMailboxesAsync(connector.Id, cancellationToken)));
        }

        return TypedResults.Ok(list.ToArray());
    }

    private static async Task<Results<Ok<ConnectorResponse>, ProblemHttpResult>> GetAsync(string id, [FromServices] IConnectorStore connectors, CancellationToken cancellationToken)
    {
        if (await connectors.GetConnectorAsync(id, cancellationToken) is not { } connector)
        {
            return NotFound(id);
        }

        return TypedResults.Ok(ConnectorResponse.From(connector, await connectors.ListMailboxesAsync(id, cancellationToken)));
    }

    private static async Task<Results<Ok<ConnectorResponse>, ValidationProblem, ProblemHttpResult>> EditAsync(
        string id,
        ConnectorRequest request,
        [FromServices] IConnectorStore connectors,
        [FromServices] CredentialProtector protector,
        [FromServices] ConnectorLifecycle lifecycle,
        CancellationToken cancellationToken)
    {
        if (await connectors.GetConnectorAsync(id, cancellationToken) is null)
        {
            return NotFound(id);
        }

        if (await ValidateAsync(request, ConnectorRequestValidator.ForEdit, id, connectors, cancellationToken) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var password = string.IsNullOrEmpty(request.AdminPassword) ? null : protector.Protect(request.AdminPassword);
        var edited = await lifecycle.EditAsync(id, ConnectorSettingsFactory.From(request), password, cancellationToken);
        return edited is null
            ? NotFound(id)
            : TypedResults.Ok(ConnectorResponse.From(edited, await connectors.ListMailboxesAsync(id, cancellationToken)));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id,
        bool? deleteMailboxes,
        bool? purge,
        [FromServices] ConnectorLifecycle lifecycle,
        CancellationToken cancellationToken) =>
        await lifecycle.DeleteAsync(id, deleteMailboxes ?? false, purge ?? false, cancellationToken) switch
        {
            null => NotFound(id),
            0 => TypedResults.NoContent(),
            var left => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The connector still has mailboxes",
                detail: $"The connector has {left} mailboxes. Delete with ?deleteMailboxes=true to delete them too (their archived mail stays unless &purge=true).",
                extensions: new Dictionary<string, object?> { ["mailboxes"] = left }),
        };

    private static async Task<Results<Ok<ConnectorResponse>, ProblemHttpResult>> PauseAsync(
        string id, [FromServices] ConnectorLifecycle lifecycle, [FromServices] IConnectorStore connectors, CancellationToken cancellationToken) =>
        await lifecycle.PauseAsync(id, cancellationToken) ? await GetAsync(id, connectors, cancellationToken) : (Results<Ok<ConnectorResponse>, ProblemHttpResult>)NotFound(id);

    private static async Task<Results<Ok<ConnectorResponse>, ProblemHttpResult>> ResumeAsync(
        string id, [FromServices] ConnectorLifecycle lifecycle, [FromServices] IConnectorStore connectors, CancellationToken cancellationToken) =>
        await lifecycle.ResumeAsync(id, cancellationToken) ? await GetAsync(id, connectors, cancellationToken) : (Results<Ok<ConnectorResponse>, ProblemHttpResult>)NotFound(id);

    private static async Task<Results<Ok<SourceResponse[]>, ProblemHttpResult>> ListMailboxesAsync(
        string id, [FromServices] IConnectorStore connectors, [FromServices] IndexBacklog backlog, CancellationToken cancellationToken)
    {
        if (await connectors.GetConnectorAsync(id, cancellationToken) is null)
        {
            return NotFound(id);
        }

        var unindexed = await backlog.CountBySourceAsync(cancellationToken);
        var mailboxes = await connectors.ListMailboxesAsync(id, cancellationToken);
        return TypedResults.Ok(mailboxes.Select(m => SourceResponse.From(m, unindexed.GetValueOrDefault(m.Id))).ToArray());
    }

    private static async Task<Results<Created<MailboxesResponse>, Ok<MailboxesResponse>, ValidationProblem, ProblemHttpResult>> AddMailboxesAsync(
        string id,
        MailboxesRequest request,
        bool? dryRun,
        [FromServices] IConnectorStore connectors,
        [FromServices] CredentialProtector protector,
        [FromServices] SourceLifecycle sources,
        CancellationToken cancellationToken)
    {
        if (await connectors.GetConnectorAsync(id, cancellationToken) is not { } connector)
        {
            return NotFound(id);
        }

        var entries = request.Mailboxes ?? [];
        if (entries.Count == 0 || entries.Count > MailboxRules.MaxListSize)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["mailboxes"] = [$"Give between 1 and {MailboxRules.MaxListSize} mailboxes."] });
        }

        var existing = (await connectors.ListMailboxesAsync(id, cancellationToken)).Select(m => m.Settings.Username);
        var problems = MailboxRules.Check(entries, connector.Settings, existing);
        if (problems.Count > 0)
        {
            return TypedResults.ValidationProblem(problems
                .GroupBy(p => $"mailboxes[{p.Index}].{p.Field}")
                .ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray()));
        }

        return await CreateMailboxesAsync(connector, entries, dryRun ?? false, protector, sources, cancellationToken);
    }

    private static async Task<Results<Created<MailboxesResponse>, Ok<MailboxesResponse>, ValidationProblem, ProblemHttpResult>> AddMailboxesCsvAsync(
        string id,
        HttpRequest http,
        bool? dryRun,
        [FromServices] IConnectorStore connectors,
        [FromServices] CredentialProtector protector,
        [FromServices] SourceLifecycle sources,
        CancellationToken cancellationToken)
    {
        if (await connectors.GetConnectorAsync(id, cancellationToken) is not { } connector)
        {
            return NotFound(id);
        }

        if (http.ContentType is not { } contentType || !(contentType.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) || contentType.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase)))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Send the list as text/csv", detail: "Content-Type must be text/csv (UTF-8), with a header row.");
        }

        using var reader = new StreamReader(http.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var (rows, errors) = await MailboxCsv.ParseAsync(reader, MailboxRules.MaxListSize, cancellationToken);
        if (errors.Count == 0 && rows.Count == 0)
        {
            errors[MailboxCsv.Key(2)] = ["The file names the columns but lists no mailbox."];
        }

        var existing = (await connectors.ListMailboxesAsync(id, cancellationToken)).Select(m => m.Settings.Username);
        foreach (var (index, field, message) in MailboxRules.Check(rows.Select(r => r.Entry).ToList(), connector.Settings, existing))
        {
            var key = MailboxCsv.Key(rows[index].Line);
            if (!errors.TryGetValue(key, out var list))
            {
                errors[key] = list = [];
            }

            list.Add($"{field}: {message}");
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(
                errors.OrderBy(e => int.Parse(e.Key[5..], System.Globalization.CultureInfo.InvariantCulture)).ToDictionary(e => e.Key, e => e.Value.ToArray()),
                detail: "Nothing was created: fix the lines named here and send the whole list again.");
        }

        return await CreateMailboxesAsync(connector, rows.Select(r => r.Entry).ToList(), dryRun ?? false, protector, sources, cancellationToken);
    }

    private static async Task<Results<Created<MailboxesResponse>, Ok<MailboxesResponse>, ValidationProblem, ProblemHttpResult>> CreateMailboxesAsync(
        Connector connector, IReadOnlyList<MailboxEntry> entries, bool dryRun, CredentialProtector protector, SourceLifecycle sources, CancellationToken cancellationToken)
    {
        if (dryRun)
        {
            return TypedResults.Ok(new MailboxesResponse([], entries.Count, DryRun: true));
        }

        var mailboxes = entries.Select(entry => sources.NewSource(
            connector.Settings.ForMailbox(entry.Username!.Trim(), entry.Email?.Trim(), entry.DisplayName?.Trim()),
            entry.Password is { Length: > 0 } password ? protector.Protect(password) : [],
            connector.Id)).ToList();
        await sources.CreateManyAsync(mailboxes, connector.Settings.MaxConcurrentImports, cancellationToken);
        return TypedResults.Created($"/api/connectors/{connector.Id}/mailboxes", new MailboxesResponse(mailboxes.Select(m => SourceResponse.From(m)).ToArray(), mailboxes.Count, DryRun: false));
    }

    private static async Task<Results<Ok<ConnectionTestResponse>, ValidationProblem>> TestAsync(
        ConnectorTestRequest request,
        [FromServices] MailConnector connector,
        CancellationToken cancellationToken)
    {
        var validation = await ConnectorRequestValidator.ForTest.ValidateAsync(request, cancellationToken);
        var errors = ToDictionary(validation.Errors);
        if (string.IsNullOrWhiteSpace(request.TestUser))
        {
            errors["testUser"] = ["Name a mailbox to log in as (its user name)."];
        }

        if (request.AuthMode == "perUser" && string.IsNullOrEmpty(request.TestPassword))
        {
            errors["testPassword"] = ["A perUser connector logs in with the mailbox's own password: give it as testPassword."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var settings = ConnectorSettingsFactory.From(request);
        var user = request.TestUser!.Trim();
        MailCredential credential = settings.AuthMode switch
        {
            ConnectorAuthMode.MasterUser => new MasterUserCredential(user, settings.AdminUsername ?? string.Empty, request.AdminPassword ?? string.Empty, settings.MasterUserSeparator),
            ConnectorAuthMode.MagicPassword => new PasswordCredential(user, request.AdminPassword ?? string.Empty),
            _ => new PasswordCredential(user, request.TestPassword!),
        };
        var result = await connector.TestAsync(settings.ForMailbox(user, null, null), credential, cancellationToken);
        return TypedResults.Ok(ConnectionTestResponse.From(result));
    }

    /// <summary>Field rules, then name uniqueness among connectors, under camelCase field names.</summary>
    private static async Task<Dictionary<string, string[]>?> ValidateAsync(
        ConnectorRequest request, ConnectorRequestValidator validator, string? editedId, IConnectorStore connectors, CancellationToken cancellationToken)
    {
        var errors = ToDictionary((await validator.ValidateAsync(request, cancellationToken)).Errors);
        if (!string.IsNullOrWhiteSpace(request.Name) && !errors.ContainsKey("name"))
        {
            var name = request.Name.Trim();
            if ((await connectors.ListConnectorsAsync(cancellationToken)).Any(c => c.Id != editedId && string.Equals(c.Settings.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                errors["name"] = ["Another connector already has this name."];
            }
        }

        return errors.Count == 0 ? null : errors;
    }

    private static Dictionary<string, string[]> ToDictionary(IEnumerable<ValidationFailure> failures) =>
        failures
            .GroupBy(failure => CamelCase(failure.PropertyName))
            .ToDictionary(group => group.Key, group => group.Select(failure => failure.ErrorMessage).Distinct().ToArray());

    private static string CamelCase(string name) =>
        string.IsNullOrEmpty(name) ? name : char.ToLowerInvariant(name[0]) + name[1..];

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Connector not found", detail: $"There is no connector '{id}'.");
}
