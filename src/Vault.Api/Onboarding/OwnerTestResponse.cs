using Vault.Ingestion.Errors;

namespace Vault.Api.Onboarding;

/// <summary>The owner's Test connection: whether the login worked, how many folders were found, or the error in plain words.</summary>
public sealed record OwnerTestResponse(bool Ok, int Folders, string? Code, string? Message, string? Hint)
{
    public static OwnerTestResponse From(bool ok, int folders, ClassifiedError? error) =>
        new(ok, folders, error?.Code, error?.Message, OwnerHints.For(error));
}
