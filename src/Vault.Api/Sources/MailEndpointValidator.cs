using FluentValidation;

namespace Vault.Api.Sources;

/// <summary>How a request reaches a mail server: a source's, a connector's, a restore target's.</summary>
public interface IMailEndpointRequest
{
    string? Host { get; }

    int? Port { get; }

    bool? Tls { get; }

    string? TlsMode { get; }

    string? Timeout { get; }
}

/// <summary>
/// The rules every mail server address follows, included by each request's validator right after its own rule on
/// whether a host is required (that differs: a provider preset, a connector or nothing may stand in for it). Each
/// validator includes its own instance: a shared static one would tie the validators' static initializers into a cycle,
/// and whichever ran first would include null.
/// </summary>
public sealed class MailEndpointValidator : AbstractValidator<IMailEndpointRequest>
{
    public static TimeSpan MinTimeout { get; } = TimeSpan.FromSeconds(5);

    public static TimeSpan MaxTimeout { get; } = TimeSpan.FromMinutes(10);

    public MailEndpointValidator()
    {
        RuleFor(r => r.Host)
            .Must(host => host is null || MailHost.IsValid(host))
            .WithMessage("The host is a host name or IP address only (IPv6 with or without [brackets]): no scheme (imaps://), path, port or spaces.");

        RuleFor(r => r.Port)
            .InclusiveBetween(1, 65535).When(r => r.Port is not null)
            .WithMessage("The port is between 1 and 65535.");

        RuleFor(r => r.TlsMode)
            .Must(mode => mode is null or "implicit" or "starttls")
            .WithMessage("The TLS mode is 'implicit' or 'starttls'.")
            .Must((request, mode) => mode is null || request.Tls != false)
            .WithMessage("A TLS mode needs 'tls': true; 'tls': false means plain text without STARTTLS.");

        RuleFor(r => r.Timeout)
            .Must(timeout => timeout is null || (SourceRequestValidator.TryParseDuration(timeout, out var value)
                && value >= MinTimeout && value <= MaxTimeout))
            .WithMessage($"The timeout is a TimeSpan between {MinTimeout:c} and {MaxTimeout:c}.");
    }
}
