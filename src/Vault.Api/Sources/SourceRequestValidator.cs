using System.Globalization;
using FluentValidation;
using Vault.Ingestion.OAuth;
using Vault.Ingestion.Providers;

namespace Vault.Api.Sources;

/// <summary>
/// The field rules of <c>/api/sources</c>. Name uniqueness needs the store and is checked by the endpoint,
/// which reports it under the same <c>name</c> key.
/// </summary>
public sealed class SourceRequestValidator : AbstractValidator<SourceRequest>
{
    public const int MaxDescriptionLength = 1000;

    /// <summary>Below this, polling is hammering; the tests run with 5 s.</summary>
    public static TimeSpan MinPollInterval { get; } = TimeSpan.FromSeconds(5);

    public static SourceRequestValidator ForCreate { get; } = new(SourceRequestKind.Create);

    public static SourceRequestValidator ForEdit { get; } = new(SourceRequestKind.Edit);

    public static SourceRequestValidator ForTest { get; } = new(SourceRequestKind.Test);

    public SourceRequestValidator(SourceRequestKind kind)
    {
        if (kind != SourceRequestKind.Test)
        {
            RuleFor(r => r.Name).NotEmpty().WithMessage("A name is required.")
                .MaximumLength(200).WithMessage("The name is at most 200 characters.");
        }

        RuleFor(r => r.Description)
            .MaximumLength(MaxDescriptionLength).WithMessage($"The description is at most {MaxDescriptionLength} characters.");

        RuleFor(r => r.Provider)
            .Must(provider => provider is null || ProviderPresets.Find(provider) is not null)
            .WithMessage($"Unknown provider; one of: {string.Join(", ", ProviderPresets.All.Select(p => p.Id))}.");

        RuleFor(r => r.Protocol)
            .Must(protocol => protocol is null or "imap" or "pop3")
            .WithMessage("The protocol is 'imap' or 'pop3'.");

        RuleFor(r => r.Host)
            .Must((request, host) => !string.IsNullOrWhiteSpace(host) || ProviderPresets.Find(request.Provider)?.Host is not null)
            .WithMessage("A host is required.");
        Include(new MailEndpointValidator());

        RuleFor(r => r.Username).NotEmpty().WithMessage("A username is required.");

        RuleFor(r => r.Email)
            .Must(email => email is null || (email.Length <= 320 && email.IndexOf('@', StringComparison.Ordinal) > 0 && !email.Any(char.IsWhiteSpace)))
            .WithMessage("The email is an address such as alice@example.com.");

        RuleFor(r => r.Auth)
            .Must(auth => auth is null or "password" or "oauth2")
            .WithMessage("The auth is 'password' or 'oauth2'.");
        if (kind == SourceRequestKind.Test)
        {
            RuleFor(r => r.Auth)
                .Must(auth => auth != "oauth2")
                .WithMessage("An OAuth2 source is tested by signing in: save it, then press Sign in.");
        }

        RuleFor(r => r.OAuthProvider)
            .Must(provider => provider is null || OAuthProviderProfiles.Find(provider) is not null)
            .WithMessage("The OAuth provider is 'google' or 'microsoft'.")
            .OverridePropertyName("oauthProvider")
            .Must((request, provider) => provider is null || SourceSettingsFactory.IsOAuth(request))
            .WithMessage("An OAuth provider goes with \"auth\": \"oauth2\".")
            .Must((request, provider) => !SourceSettingsFactory.IsOAuth(request) || SourceSettingsFactory.OAuthProviderOf(request) is not null)
            .WithMessage("An OAuth2 source needs its provider: 'google' or 'microsoft' (the gmail and outlook presets imply it).")
            .Must((request, provider) => provider is null || OAuthProviderProfiles.ImpliedBy(request.Provider) is not { } implied || OAuthProviderProfiles.Find(provider)?.Provider == implied)
            .WithMessage("This provider preset signs in with another OAuth provider (gmail: google, outlook: microsoft).");

        RuleFor(r => r.Protocol)
            .Must(protocol => protocol != "pop3").When(SourceSettingsFactory.IsOAuth)
            .WithMessage("OAuth2 sign-in is for IMAP sources.");

        if (kind != SourceRequestKind.Edit)
        {
            RuleFor(r => r.Password).NotEmpty().When(r => !SourceSettingsFactory.IsOAuth(r)).WithMessage("A password (or App Password) is required.");
        }
        else
        {
            RuleFor(r => r.Password).Must(password => password is null || password.Length > 0).When(r => !SourceSettingsFactory.IsOAuth(r))
                .WithMessage("Leave the password out to keep the current one; it cannot be empty.");
        }

        RuleFor(r => r.Password).Must(string.IsNullOrEmpty).When(SourceSettingsFactory.IsOAuth)
            .WithMessage("An OAuth2 source signs in with its provider and has no password; leave it out.");

        RuleFor(r => r.SyncMode)
            .Must(mode => mode is null or "idle" or "poll")
            .WithMessage("The sync mode is 'idle' or 'poll'.");
        RuleFor(r => r.SyncMode)
            .Must(mode => mode != "idle").When(r => r.Protocol == "pop3")
            .WithMessage("POP3 has no IDLE: a POP3 source polls ('poll').");

        RuleFor(r => r.PollInterval)
            .Must(interval => interval is null || (TryParseDuration(interval, out var value) && value >= MinPollInterval))
            .WithMessage($"The poll interval is a TimeSpan of at least {MinPollInterval:c}.");

        RuleFor(r => r.Since)
            .Must(since => since is null || TryParseSince(since, out _))
            .WithMessage(SinceMessage);

        RuleForEach(r => r.IncludeFolders).Must(IsFolderPattern).WithMessage(FolderPatternMessage);
        RuleForEach(r => r.ExcludeFolders).Must(IsFolderPattern).WithMessage(FolderPatternMessage);
    }

    public const string FolderPatternMessage =
        "A folder pattern is a non-empty folder name with '/' between levels and only '*' and '?' as wildcards (no control characters, no '%', no empty level).";

    public const string SinceMessage = "'since' is a date (2024-01-31, taken as UTC midnight) or an ISO 8601 date and time with its offset.";

    /// <summary>A date alone is UTC midnight; a date and time needs its offset (Z or +hh:mm), so nothing depends on the server's zone.</summary>
    public static bool TryParseSince(string text, out DateTimeOffset value)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            value = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return true;
        }

        var hasOffset = text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out value) && hasOffset;
    }

    public static bool TryParseDuration(string text, out TimeSpan value) =>
        TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out value);

    public static bool IsFolderPattern(string? pattern) =>
        !string.IsNullOrWhiteSpace(pattern) &&
        !pattern.Any(char.IsControl) &&
        !pattern.Contains('%', StringComparison.Ordinal) &&
        !pattern.Split('/').Any(level => level.Length == 0);
}
