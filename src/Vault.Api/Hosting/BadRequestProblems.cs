using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;

namespace Vault.Api.Hosting;

/// <summary>
/// Binding failures (a query value that does not parse, a JSON body of the wrong shape) become the same
/// 400 validation problem as FluentValidation failures: <c>errors: { field: [messages] }</c>.
/// </summary>
/// <remarks>
/// Minimal APIs expose no structured binding errors (dotnet/aspnetcore#35501), only a
/// <see cref="BadHttpRequestException"/>. The field therefore comes from the <see cref="JsonException.Path"/>
/// for body errors, and otherwise from the handler's own parameters (the endpoint's <see cref="MethodInfo"/>):
/// the exception message is only used to pick which of those names it quotes (<c>"int page"</c>).
/// Messages stay generic: the rejected value may be a password, so it is never echoed.
/// </remarks>
public static class BadRequestProblems
{
    private const string ValidationTitle = "One or more validation errors occurred.";
    private const string BodyField = "body";

    public static IHostApplicationBuilder AddBadRequestProblems(this IHostApplicationBuilder builder)
    {
        // Outside Development a binding failure is otherwise a bare 400 with no exception to name the field from.
        builder.Services.PostConfigure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.Configure<ExceptionHandlerOptions>(options =>
        {
            options.StatusCodeSelector = exception => exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError;
            // The client's mistake, not the server's: no error log, no failed-request diagnostics.
            options.SuppressDiagnosticsCallback = context => context.Exception is BadHttpRequestException;
        });
        builder.Services.AddProblemDetails(options =>
        {
            var earlier = options.CustomizeProblemDetails;
            options.CustomizeProblemDetails = context =>
            {
                earlier?.Invoke(context);
                Customize(context);
            };
        });
        return builder;
    }

    private static void Customize(ProblemDetailsContext context)
    {
        if (context.Exception is not BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest } bad)
        {
            return;
        }

        var (field, message) = Describe(bad, context.HttpContext, context.AdditionalMetadata);
        context.ProblemDetails.Title = ValidationTitle;
        context.ProblemDetails.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [message] };
    }

    private static (string Field, string Message) Describe(BadHttpRequestException bad, HttpContext httpContext, EndpointMetadataCollection? metadata)
    {
        if (bad.InnerException is JsonException json)
        {
            return DescribeJson(json);
        }

        var endpointMetadata = metadata ?? httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint?.Metadata;
        var handler = endpointMetadata?.GetMetadata<MethodInfo>();
        var quoted = QuotedParameter(bad.Message);
        var parameter = quoted is null ? null : handler?.GetParameters().FirstOrDefault(p => p.Name == quoted);
        if (parameter is null)
        {
            return ("request", "The request could not be read.");
        }

        if (endpointMetadata!.GetOrderedMetadata<IAcceptsMetadata>().Any(accepts => accepts.RequestType == parameter.ParameterType))
        {
            return (BodyField, "A request body is required.");
        }

        var name = BoundName(parameter);
        return (JsonNamingPolicy.CamelCase.ConvertName(name), IsPresent(httpContext, name) ? Expected(parameter.ParameterType) : "This value is required.");
    }

    /// <summary>
    /// The binder quotes the parameter first, as <c>"int page"</c> or <c>"request"</c>; the rejected value, quoted
    /// after it, is never read (it could spell another parameter's name).
    /// </summary>
    private static string? QuotedParameter(string message)
    {
        var start = message.IndexOf('"', StringComparison.Ordinal);
        var end = start < 0 ? -1 : message.IndexOf('"', start + 1);
        if (end < 0)
        {
            return null;
        }

        var quoted = message[(start + 1)..end];
        return quoted[(quoted.LastIndexOf(' ') + 1)..];
    }

    private static (string Field, string Message) DescribeJson(JsonException json)
    {
        // A reader (syntax) error carries the reader's exception inside; a value of the wrong type does not.
        if (json.InnerException is JsonException)
        {
            return (BodyField, "The request body is not valid JSON.");
        }

        return string.IsNullOrEmpty(json.Path) || json.Path == "$"
            ? (BodyField, "The request body has the wrong type.")
            : (FieldOf(json.Path), "The value has the wrong type or format.");
    }

    private static string FieldOf(string path) =>
        path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    private static string BoundName(ParameterInfo parameter) =>
        parameter.GetCustomAttributes().Select(NameFrom).FirstOrDefault(name => !string.IsNullOrEmpty(name)) ?? parameter.Name!;

    private static string? NameFrom(Attribute attribute) => attribute switch
    {
        IFromQueryMetadata query => query.Name,
        IFromRouteMetadata route => route.Name,
        IFromHeaderMetadata header => header.Name,
        _ => null,
    };

    private static bool IsPresent(HttpContext httpContext, string name) =>
        httpContext.Request.Query.ContainsKey(name)
        || httpContext.Request.Headers.ContainsKey(name)
        || (httpContext.Features.Get<IExceptionHandlerFeature>()?.RouteValues?.ContainsKey(name) ?? false);

    private static string Expected(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(int) || t == typeof(long) || t == typeof(short) => "Must be a whole number.",
        var t when t == typeof(bool) => "Must be true or false.",
        var t when t == typeof(DateTimeOffset) || t == typeof(DateTime) => "Must be a date and time (ISO 8601).",
        var t when t == typeof(Guid) => "Must be a GUID.",
        _ => "The value has the wrong format.",
    };
}
