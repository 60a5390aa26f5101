using FluentValidation;
using Vault.Api.Sources;

namespace Vault.Api.Restore;

/// <summary>
/// The field rules of a restore's target. What needs the store (the connector, the source's folders) or the index (the
/// query's syntax) is checked by <see cref="RestoreEndpoints"/> under the same field names.
/// </summary>
public sealed class RestoreRequestValidator : AbstractValidator<RestoreRequest>
{
    public static RestoreRequestValidator Instance { get; } = new();

    public RestoreRequestValidator()
    {
        RuleFor(r => r.Host)
            .NotEmpty().When(r => r.ConnectorId is null).WithMessage("A host is required (or a connectorId).");
        Include(new MailEndpointValidator());

        RuleFor(r => r.Username).NotEmpty().WithMessage("A username (the mailbox to restore into) is required.");

        RuleFor(r => r.Password)
            .NotEmpty().When(r => r.ConnectorId is null).WithMessage("A password (or App Password) for the target mailbox is required.");


        RuleFor(r => r.FolderPrefix)
            .Must(prefix => prefix is null || (prefix.Length <= 200 && SourceRequestValidator.IsFolderPattern(prefix) && !prefix.Any(c => c is '*' or '?')))
            .WithMessage("The folder prefix is a folder name with '/' between levels (no wildcards, no empty level, at most 200 characters).");

        RuleFor(r => r.Folders)
            .Must(folders => folders is null || folders.Count > 0)
            .WithMessage("Leave 'folders' out to restore every folder; an empty list would restore nothing.");

        RuleFor(r => r.Query)
            .Must(query => query is null || !string.IsNullOrWhiteSpace(query))
            .WithMessage("Leave 'query' out to restore every message; it cannot be blank.");
    }
}
