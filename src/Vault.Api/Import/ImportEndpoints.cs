using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Vault.Api.Sources;
using Vault.Archive;
using Vault.Archive.Sources;
using Vault.Ingestion.Files;
using Vault.Ingestion.Sources;

namespace Vault.Api.Import;

/// <summary>
/// <c>POST /api/sources/import</c>: multipart/form-data with a <c>name</c> field and one or more <c>files</c> parts
/// (<c>.mbox</c>, <c>.eml</c>, <c>.zip</c> of .eml). The body is read section by section with <see cref="MultipartReader"/>
/// and each file streamed to the data directory as it arrives, so a 10 GB upload never sits in memory (nor in ASP.NET's
/// form buffer, which is not used). The request may be as large as <c>Vault:Import:MaxUploadBytes</c>. The answer is the
/// new source (<c>protocol: "file"</c>, Importing); its job archives the files.
/// </summary>
public static class ImportEndpoints
{
    private const int MaxNameLength = 200;
    private static readonly string[] Extensions = [".mbox", ".mbx", ".eml", ".zip"];

    public static RouteGroupBuilder MapImport(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapPost("/sources/import", ImportAsync).WithTags("Sources").WithName("ImportFiles");
        return api;
    }

    public static IHostApplicationBuilder AddImport(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<ImportOptions>().BindConfiguration(ImportOptions.SectionName);
        return builder;
    }

    private static async Task<Results<Created<SourceResponse>, ValidationProblem>> ImportAsync(
        HttpContext context,
        [FromServices] ISourceStore store,
        [FromServices] SourceLifecycle lifecycle,
        [FromServices] IOptions<ArchiveOptions> archive,
        [FromServices] IOptions<ImportOptions> options,
        CancellationToken cancellationToken)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.Value.MaxUploadBytes;
        }

        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 } boundary)
        {
            return Invalid("files", "Send multipart/form-data with a 'name' field and one or more 'files' parts.");
        }

        var sourceId = SourceIds.New();
        var directory = UploadedFiles.Directory(archive.Value.DataDirectory, sourceId);
        var keep = false;
        try
        {
            var (name, files) = await ReceiveAsync(new MultipartReader(boundary, context.Request.Body), directory, cancellationToken);
            var errors = new Dictionary<string, string[]>();
            if (string.IsNullOrWhiteSpace(name))
            {
                errors["name"] = ["A name is required."];
            }
            else if (name.Length > MaxNameLength)
            {
                errors["name"] = [$"The name is at most {MaxNameLength} characters."];
            }
            else if ((await store.ListSourcesAsync(cancellationToken)).Any(s => string.Equals(s.Settings.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                errors["name"] = ["Another source already has this name."];
            }

            if (files.Count == 0)
            {
                errors["files"] = ["Add at least one file."];
            }
            else if (!files.Any(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant())))
            {
                errors["files"] = ["Vault imports .mbox, .eml and .zip (of .eml) files."];
            }

            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors);
            }

            var settings = new SourceSettings { Name = name!, Protocol = MailProtocol.File, Host = string.Empty, Port = 0, TlsMode = TlsMode.None, Username = string.Empty, SyncMode = SyncMode.Poll };
            keep = true;
            var source = await lifecycle.CreateAsync(sourceId, settings, [], cancellationToken);
            return TypedResults.Created($"/api/sources/{source.Id}", SourceResponse.From(source));
        }
        finally
        {
            if (!keep && Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>Reads every section: the <c>name</c> field into memory (it is short), each file part to disk.</summary>
    private static async Task<(string? Name, List<string> Files)> ReceiveAsync(MultipartReader reader, string directory, CancellationToken cancellationToken)
    {
        string? name = null;
        var files = new List<string>();
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
            {
                continue;
            }

            var field = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
            if (disposition.IsFileDisposition() && field == "files")
            {
                var uploaded = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? "upload";
                Directory.CreateDirectory(directory);
                var stored = UploadedFiles.StoredName(files.Count + 1, uploaded);
                await using (var file = new FileStream(Path.Combine(directory, stored), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
                {
                    await section.Body.CopyToAsync(file, cancellationToken);
                }

                files.Add(uploaded);
            }
            else if (field == "name" && !disposition.IsFileDisposition())
            {
                using var text = new StreamReader(section.Body);
                var buffer = new char[MaxNameLength + 1];
                var read = await text.ReadBlockAsync(buffer, cancellationToken);
                name = new string(buffer, 0, read).Trim();
            }
        }

        return (name, files);
    }

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
