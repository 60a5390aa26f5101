using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Vault.Api.Auth;

/// <summary>
/// The API key as an authentication scheme: <c>Authorization: Bearer &lt;key&gt;</c>. The authorization middleware asks
/// it before the endpoint runs, so a request without the key is answered 401 before its body is read or bound (an
/// endpoint filter ran after binding: a malformed body was answered 400, and a 20 MB one was parsed first). An address
/// that sent too many wrong or missing keys is answered 429 with Retry-After (<see cref="ApiKeyFailureLimiter"/>).
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKey key,
    ApiKeyFailureLimiter limiter,
    IOptions<ApiKeyFailureLimits> limits,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";

    private const string BearerPrefix = "Bearer ";

    /// <summary>Set when the client is locked out: the challenge answers 429 instead of 401.</summary>
    private TimeSpan? _lockedOutFor;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var client = Context.Connection.RemoteIpAddress;
        if (limiter.LockedOutFor(client) is { } wait)
        {
            _lockedOutFor = wait;
            return Task.FromResult(AuthenticateResult.Fail("Too many wrong API keys from this address."));
        }

        var header = Request.Headers.Authorization.ToString();
        var presented = header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) ? header[BearerPrefix.Length..].Trim() : null;
        if (key.Matches(presented))
        {
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "api-key")], SchemeName);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
        }

        if (limiter.RecordFailure(client))
        {
            ApiKeyLog.LockedOut(Logger, client, limits.Value.FailuresPerWindow, limits.Value.Window);
        }

        return Task.FromResult(AuthenticateResult.Fail("Wrong or missing API key."));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        ProblemDetails problem;
        if (_lockedOutFor is { } wait)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many failed API key attempts",
                Detail = $"This address sent too many wrong API keys; try again in {seconds} s.",
            };
        }
        else
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            Response.Headers.WWWAuthenticate = "Bearer";
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Unauthorized",
                Detail = "Send the API key as 'Authorization: Bearer <key>'.",
            };
        }

        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = Context, ProblemDetails = problem });
    }
}
