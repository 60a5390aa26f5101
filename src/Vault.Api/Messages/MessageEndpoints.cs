using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using MimeKit;
using Vault.Archive.Messages;
using Vault.Search.Documents;
using Vault.Search.Searching;

namespace Vault.Api.Messages;

public static class MessageEndpoints
{
    private const int MaxPageSize = 200;

    public static RouteGroupBuilder MapMessages(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var messages = api.MapGroup("/messages").WithTags("Messages");
        messages.MapGet("/", ListAsync).WithName("ListMessages");
        messages.MapGet("/{id}", GetAsync).WithName("GetMessage");
        messages.MapGet("/{id}/raw", RawAsync).WithName("GetRawMessage");
        messages.MapGet("/{id}/attachments/{n:int}", AttachmentAsync).WithName("GetAttachment");
        return messages;
    }

    private static async Task<Results<Ok<MessageListResponse>, ValidationProblem>> ListAsync(
        string? sourceId, int? page, int? pageSize, [FromServices] IMessageStore store, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(sourceId))
        {
            errors["sourceId"] = ["sourceId is required."];
        }

        if (page < 1)
        {
            errors["page"] = ["Pages start at 1."];
        }

        if (pageSize is < 1 or > MaxPageSize)
        {
            errors["pageSize"] = [$"pageSize must be between 1 and {MaxPageSize}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var result = await store.ListMessagesAsync(sourceId!, page ?? 1, pageSize ?? 20, cancellationToken);
        var items = result.Items
            .Select(m => new MessageListItem(m.Id, m.Sha256, m.Size, m.Folders, m.Headers.Subject, m.Headers.Date ?? m.InternalDate) { DeletedOnServerAt = m.DeletedOnServerAt })
            .ToList();
        return TypedResults.Ok(new MessageListResponse(result.Total, result.PageNumber, result.PageSize, items));
    }

    private static async Task<Results<Ok<MessageDetails>, ProblemHttpResult>> GetAsync(
        string id, [FromServices] IMessageStore store, [FromServices] IArchiveChangeFeed changes, [FromServices] SearchService search, CancellationToken cancellationToken)
    {
        var metadata = await store.GetMessageAsync(id, cancellationToken);
        var raw = metadata is null ? null : await changes.OpenRawAsync(id, cancellationToken);
        if (metadata is null || raw is null)
        {
            return NotFound(id);
        }

        await using (raw)
        {
            var message = await LoadAsync(raw, cancellationToken);
            if (message is null)
            {
                var summary = metadata.Headers;
                return TypedResults.Ok(new MessageDetails(metadata.Id, metadata.SourceId, metadata.Sha256, metadata.Size, metadata.Folders, [],
                    summary.From, summary.To, null, summary.Subject, summary.Date ?? metadata.InternalDate, string.Empty, [], ParseError: true, [])
                { DeletedOnServerAt = metadata.DeletedOnServerAt });
            }

            var content = MessageTextExtractor.Extract(message, MessageDocumentBuilder.MaxTextChars);
            var attachments = content.Attachments
                .Select(a => new AttachmentEntry(a.Index, a.FileName, a.ContentType, MessageTextExtractor.DecodedSize(a.Entity, cancellationToken)))
                .ToList();
            var headers = message.Headers.Select(h => new MessageHeaderEntry(h.Field, h.Value)).ToList();
            var date = message.Headers.Contains(HeaderId.Date) && message.Date != DateTimeOffset.MinValue ? message.Date.ToUniversalTime() : metadata.Headers.Date ?? metadata.InternalDate;
            return TypedResults.Ok(new MessageDetails(metadata.Id, metadata.SourceId, metadata.Sha256, metadata.Size, metadata.Folders, headers,
                Addresses(message.From), Addresses(message.To), Addresses(message.Cc), message.Subject, date, content.Text, attachments, ParseError: false,
                search.AttachmentErrors(id).Select(e => new AttachmentErrorEntry(e.Index, e.Name, e.Reason.ToString(), e.Message)).ToList())
                { DeletedOnServerAt = metadata.DeletedOnServerAt });
        }
    }

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> RawAsync(string id, [FromServices] IArchiveChangeFeed store, CancellationToken cancellationToken)
    {
        var raw = await store.OpenRawAsync(id, cancellationToken);
        return raw is null ? NotFound(id) : TypedResults.Stream(raw, "message/rfc822", $"{id}.eml");
    }

    private static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> AttachmentAsync(
        string id, int n, HttpContext context, [FromServices] IArchiveChangeFeed store, CancellationToken cancellationToken)
    {
        var raw = await store.OpenRawAsync(id, cancellationToken);
        if (raw is null)
        {
            return NotFound(id);
        }

        // The attachment is decoded from the stored bytes while the response is written: the raw stream stays open until then.
        context.Response.RegisterForDisposeAsync(raw);
        var message = await LoadAsync(raw, cancellationToken);
        var attachment = message is null ? null : MessageTextExtractor.Extract(message, 0).Attachments.FirstOrDefault(a => a.Index == n);
        if (attachment is null)
        {
            return TypedResults.Problem(title: "Attachment not found", detail: $"Message '{id}' has no attachment {n}.", statusCode: StatusCodes.Status404NotFound);
        }

        var fileName = string.IsNullOrWhiteSpace(attachment.FileName) ? $"attachment-{n}" : attachment.FileName;
        // A file name makes the result send Content-Disposition: attachment; the type is the declared one only when passive.
        return TypedResults.Stream(
            output => MessageTextExtractor.WriteDecodedAsync(attachment.Entity, output, cancellationToken),
            AttachmentContentTypes.ForDownload(attachment.ContentType),
            fileName);
    }

    /// <summary>
    /// Parses the stored message in place (the store's stream is seekable): its parts are windows on <paramref name="raw"/>,
    /// so a 100 MB attachment is decoded from the store as it is sent, never held. <paramref name="raw"/> must stay open
    /// while the message is used.
    /// </summary>
    private static async Task<MimeMessage?> LoadAsync(Stream raw, CancellationToken cancellationToken)
    {
        if (raw.CanSeek)
        {
            return MessageLoader.TryLoad(raw, cancellationToken);
        }

        // A store without seekable streams: the loader's retry past leading junk needs a seekable copy.
        var buffer = new MemoryStream();
        await raw.CopyToAsync(buffer, cancellationToken);
        buffer.Position = 0;
        return MessageLoader.TryLoad(buffer, cancellationToken);
    }

    private static string? Addresses(InternetAddressList list) => list.Count == 0 ? null : list.ToString();

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(title: "Message not found", detail: $"No archived message has the id '{id}'.", statusCode: StatusCodes.Status404NotFound);
}
