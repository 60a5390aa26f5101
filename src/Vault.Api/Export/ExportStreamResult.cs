using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Vault.Api.Export;

/// <summary>
/// Streams an export into the response as it is read from the store. A failure before the first byte is an ordinary
/// error (the exception handler's problem details); after it, the connection is aborted, so the client sees a broken
/// download instead of a zip or mbox that looks complete but is not.
/// </summary>
internal sealed class ExportStreamResult(string what, string fileName, ExportFormat format, Func<Stream, CancellationToken, Task<ExportSummary>> write) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var logger = httpContext.RequestServices.GetRequiredService<ILogger<ArchiveExporter>>();
        var response = httpContext.Response;
        response.ContentType = format == ExportFormat.Zip ? "application/zip" : "application/mbox";
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(fileName);
        response.Headers.ContentDisposition = disposition.ToString();
        response.Headers.CacheControl = "no-store";
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var clock = Stopwatch.StartNew();
        try
        {
            var summary = await write(response.Body, httpContext.RequestAborted);
            ExportLog.Exported(logger, what, format, summary.Messages, summary.Bytes, clock.ElapsedMilliseconds);
        }
        catch (OperationCanceledException) when (httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody left to tell.
        }
        catch (Exception exception) when (response.HasStarted)
        {
            ExportLog.Failed(logger, exception, what, format);
            httpContext.Abort();
        }
    }
}
