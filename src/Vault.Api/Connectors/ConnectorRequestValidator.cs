using FluentValidation;
using Vault.Api.Sources;

namespace Vault.Api.Connectors;

/// <summary>The field rules of <c>/api/connectors</c>; name uniqueness needs the store and is checked by the endpoint.</summary>
public sealed class ConnectorRequestValidator : AbstractValidator<ConnectorRequest>
{
    public const int MaxImports = 100;
    public const int MaxConnectionLimit = 1000;

    public static ConnectorRequestValidator ForCreate { get; } = new(edit: false, test: false);

    public static ConnectorRequestValidator ForEdit { get; } = new(edit: true, test: false);

    /// <summary>A test needs no name; it needs the admin password as a create does.</summary>
    public static ConnectorRequestValidator ForTest { get; } = new(edit: false, test: true);

    public ConnectorRequestValidator(bool edit, bool test)
    {
        if (!test)
        {
            RuleFor(r => r.Name).NotEmpty().WithMessage("A name is required.");
        }

        RuleFor(r => r.Name).MaximumLength(200).WithMessage("The name is at most 200 characters.");
        RuleFor(r => r.Description)
            .MaximumLength(SourceRequestValidator.MaxDescriptionLength).WithMessage($"The description is at most {SourceRequestValidator.MaxDescriptionLength} characters.");
        RuleFor(r => r.Protocol)
            .Must(protocol => protocol is null or "imap" or "pop3").WithMessage("The protocol is 'imap' or 'pop3'.");
        RuleFor(r => r.Host)
            .NotEmpty().WithMessage("A host is required.");
        Include(new MailEndpointValidator());

        RuleFor(r => r.AuthMode)
            .Must(mode => mode is null or "masterUser" or "magicPassword" or "perUser")
            .WithMessage("The auth mode is 'masterUser', 'magicPassword' or 'perUser'.");
        // Separate rules: in FluentValidation a When() applies to every rule before it in the same chain.
        RuleFor(r => r.AdminUsername)
            .NotEmpty().When(IsMasterUser).WithMessage("A master user connector needs the admin (master) user name.");
        RuleFor(r => r.AdminUsername)
            .Empty().When(r => r.AuthMode is "magicPassword" or "perUser").WithMessage("Only a master user connector has an admin user name.");
        RuleFor(r => r.AdminUsername)
            .Must(name => name is null || !name.Any(char.IsWhiteSpace)).WithMessage("The admin user name has no spaces.");
        RuleFor(r => r.AdminPassword)
            .NotEmpty().When(r => !edit && (IsMasterUser(r) || r.AuthMode == "magicPassword"))
            .WithMessage("This auth mode needs the admin (or magic) password.");
        RuleFor(r => r.AdminPassword)
            .Must(password => password is null || password.Length > 0).When(_ => edit)
            .WithMessage("Leave the admin password out to keep the current one; it cannot be empty.");
        RuleFor(r => r.AdminPassword)
            .Empty().When(r => r.AuthMode == "perUser")
            .WithMessage("A perUser connector has no admin password: each mailbox brings its own.");
        RuleFor(r => r.MasterUserSeparator)
            .Must(separator => separator is null || (separator.Length == 1 && !char.IsLetterOrDigit(separator[0]) && !char.IsWhiteSpace(separator[0])))
            .WithMessage("The separator is one character that is not a letter, digit or space (Dovecot's auth_master_user_separator, often '*').");
        RuleFor(r => r.MasterUserSeparator)
            .Null().When(r => r.AuthMode is "magicPassword" or "perUser")
            .WithMessage("Only a master user connector has a separator.");
        RuleForEach(r => r.Domains)
            .Must(domain => !string.IsNullOrWhiteSpace(domain) && MailHost.IsValid(domain) && !domain.Contains(':', StringComparison.Ordinal))
            .WithMessage("A domain is a DNS name such as example.com.");
        RuleFor(r => r.MaxConcurrentImports)
            .InclusiveBetween(1, MaxImports).When(r => r.MaxConcurrentImports is not null)
            .WithMessage($"maxConcurrentImports is between 1 and {MaxImports}.");
        RuleFor(r => r.MaxConnections)
            .InclusiveBetween(1, MaxConnectionLimit).When(r => r.MaxConnections is not null)
            .WithMessage($"maxConnections is between 1 and {MaxConnectionLimit}.");
        RuleFor(r => r.Since)
            .Must(since => since is null || SourceRequestValidator.TryParseSince(since, out _))
            .WithMessage(SourceRequestValidator.SinceMessage);
        RuleFor(r => r.SyncMode)
            .Must(mode => mode is null or "idle" or "poll").WithMessage("The sync mode is 'idle' or 'poll'.");
        RuleFor(r => r.SyncMode)
            .Must(mode => mode != "idle").When(r => r.Protocol == "pop3").WithMessage("POP3 has no IDLE: a POP3 connector polls ('poll').");
        RuleFor(r => r.PollInterval)
            .Must(interval => interval is null || (SourceRequestValidator.TryParseDuration(interval, out var value) && value >= SourceRequestValidator.MinPollInterval))
            .WithMessage($"The poll interval is a TimeSpan of at least {SourceRequestValidator.MinPollInterval:c}.");
        RuleForEach(r => r.IncludeFolders).Must(SourceRequestValidator.IsFolderPattern).WithMessage(SourceRequestValidator.FolderPatternMessage);
        RuleForEach(r => r.ExcludeFolders).Must(SourceRequestValidator.IsFolderPattern).WithMessage(SourceRequestValidator.FolderPatternMessage);
    }

    private static bool IsMasterUser(ConnectorRequest request) => request.AuthMode is null or "masterUser";
}
