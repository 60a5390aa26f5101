using Vault.Archive.Sources;
using Vault.Ingestion.Errors;

namespace Vault.Api.Onboarding;

/// <summary>
/// A login error's hint in the owner's words. The classifier's hints speak to an administrator ("edit this source"); on
/// a link's page the one who can act is the owner, who can retype a password or make an App Password, nothing else.
/// </summary>
public static class OwnerHints
{
    public static string? For(ClassifiedError? error) => error?.Code switch
    {
        null => null,
        ErrorCodes.AuthenticationFailed =>
            "Check the user name and the password. If your provider asks for an App Password (the steps are above), use that instead of your usual password.",
        _ => error.Transient ? Temporary : AskAdministrator,
    };

    /// <summary>A saved mailbox in error: the owner can no longer change its password through the link.</summary>
    public static string? For(SourceError? error) => error?.Code switch
    {
        null => null,
        ErrorCodes.AuthenticationFailed =>
            "The mail server no longer accepts the password you saved (changed, or the App Password revoked). Tell your administrator, who can set the new one.",
        _ => error.NextRetryAt is not null ? "Vault tries again by itself; nothing to do for now." : AskAdministrator,
    };

    private const string Temporary = "This is probably temporary: try again in a minute. If it goes on, tell your administrator.";

    private const string AskAdministrator = "Tell your administrator: the archive's settings for this mail server may need a change.";
}
