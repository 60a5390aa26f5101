using Microsoft.Extensions.Options;
using MimeKit;

namespace Vault.Ingestion.Onboarding;

/// <summary>Checked at start: a configured SMTP server needs a sender address Vault can parse, and a usable port.</summary>
public sealed class SmtpOptionsValidator : IValidateOptions<SmtpOptions>
{
    public ValidateOptionsResult Validate(string? name, SmtpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.IsConfigured)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.From) || !MailboxAddress.TryParse(options.From, out _))
        {
            failures.Add("Vault:Smtp:From must be the sender's address (e.g. 'Archive <archive@example.org>') when Vault:Smtp:Host is set.");
        }

        if (options.Port is < 1 or > 65535)
        {
            failures.Add($"Vault:Smtp:Port is {options.Port}; it must be between 1 and 65535.");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            failures.Add("Vault:Smtp:Timeout must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
