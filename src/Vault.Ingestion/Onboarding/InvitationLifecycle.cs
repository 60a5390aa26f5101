using Microsoft.Extensions.Logging;
using Vault.Archive.Connectors;
using Vault.Archive.Invitations;
using Vault.Archive.Sources;
using Vault.Ingestion.Connections;
using Vault.Ingestion.Credentials;
using Vault.Ingestion.Sources;

namespace Vault.Ingestion.Onboarding;

/// <summary>
/// Self-service links (ARCHITECTURE.md, "Self-service onboarding links"): an administrator creates, revokes and resends
/// them; a mailbox owner tests a login and saves the mailbox, once. Tokens exist only in the answer that creates them
/// (and in the email): the store keeps their hash.
/// </summary>
public sealed class InvitationLifecycle(
    IInvitationStore invitations,
    IConnectorStore connectors,
    SourceLifecycle sources,
    MailConnector mailConnector,
    CredentialProtector protector,
    InvitationMailer mailer,
    TimeProvider timeProvider,
    ILogger<InvitationLifecycle> logger)
{
    public static TimeSpan DefaultLifetime { get; } = TimeSpan.FromDays(7);

    public bool SendsEmail => mailer.IsConfigured;

    /// <summary>Stores one invitation per address, then emails them when SMTP is configured (each outcome recorded).</summary>
    public async Task<IReadOnlyList<IssuedInvitation>> CreateAsync(Connector connector, IReadOnlyList<string> emails, TimeSpan lifetime, Uri publicBase, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connector);
        ArgumentNullException.ThrowIfNull(emails);
        var now = timeProvider.GetUtcNow();
        var issued = emails.Select(email =>
        {
            var token = InvitationTokens.New();
            var invitation = new Invitation
            {
                Id = SourceIds.New(),
                ConnectorId = connector.Id,
                Email = email,
                TokenHash = InvitationTokens.Hash(token),
                CreatedAt = now,
                ExpiresAt = now + lifetime,
            };
            return new IssuedInvitation(invitation, LinkFor(publicBase, token));
        }).ToList();
        await invitations.CreateInvitationsAsync(issued.Select(i => i.Invitation).ToList(), cancellationToken);
        OnboardingLog.Created(logger, connector.Id, issued.Count, now + lifetime);
        return await DeliverAsync(issued, connector.Settings.Name, cancellationToken);
    }

    /// <summary>Revokes a pending invitation; a revoked one stays revoked (nothing to do), a used or expired one is a conflict.</summary>
    public async Task<InvitationChange> RevokeAsync(string invitationId, CancellationToken cancellationToken)
    {
        if (await invitations.GetInvitationAsync(invitationId, cancellationToken) is not { } invitation)
        {
            return InvitationChange.NotFound;
        }

        var now = timeProvider.GetUtcNow();
        if (await invitations.RevokeInvitationAsync(invitationId, now, cancellationToken))
        {
            OnboardingLog.Revoked(logger, invitationId);
            return new(await invitations.GetInvitationAsync(invitationId, cancellationToken), null);
        }

        var current = await invitations.GetInvitationAsync(invitationId, cancellationToken) ?? invitation;
        return current.StatusAt(now) switch
        {
            InvitationStatus.Revoked => new(current, null),
            InvitationStatus.Used => new(current, "This invitation was used: its mailbox exists. Pause or delete the mailbox instead."),
            _ => new(current, "This invitation has expired; it can no longer be used anyway."),
        };
    }

    /// <summary>
    /// Emails a pending invitation again under a new token (the old link stops working: Vault never had it to send
    /// twice). Needs SMTP.
    /// </summary>
    public async Task<InvitationChange> ResendAsync(string invitationId, Uri publicBase, CancellationToken cancellationToken)
    {
        if (await invitations.GetInvitationAsync(invitationId, cancellationToken) is not { } invitation)
        {
            return InvitationChange.NotFound;
        }

        if (!mailer.IsConfigured)
        {
            return new(invitation, "Vault has no SMTP server configured (Vault:Smtp:Host), so it cannot send email. Revoke this invitation and create a new one to copy its link.");
        }

        var connector = await connectors.GetConnectorAsync(invitation.ConnectorId, cancellationToken);
        var token = InvitationTokens.New();
        var now = timeProvider.GetUtcNow();
        if (connector is null || !await invitations.ReplaceInvitationTokenAsync(invitationId, InvitationTokens.Hash(token), now, cancellationToken))
        {
            var status = (await invitations.GetInvitationAsync(invitationId, cancellationToken) ?? invitation).StatusAt(now);
            return new(invitation, $"Only a pending invitation can be sent again; this one is {status.ToString().ToLowerInvariant()}.");
        }

        OnboardingLog.Renewed(logger, invitationId);
        var renewed = invitation with { TokenHash = InvitationTokens.Hash(token), SentAt = null, SendError = null };
        var sent = await DeliverAsync([new IssuedInvitation(renewed, LinkFor(publicBase, token))], connector.Settings.Name, cancellationToken);
        return new(sent[0].Invitation, null);
    }

    /// <summary>The invitation a link's token opens, or null (malformed or unknown token).</summary>
    public async Task<Invitation?> FindAsync(string? token, CancellationToken cancellationToken)
    {
        if (!InvitationTokens.IsWellFormed(token))
        {
            return null;
        }

        var hash = InvitationTokens.Hash(token!);
        var invitation = await invitations.FindInvitationByTokenHashAsync(hash, cancellationToken);
        // Found by an index on the hash; compared again in fixed time so no path compares secrets byte by byte.
        return invitation is not null && InvitationTokens.Matches(token!, invitation.TokenHash) ? invitation : null;
    }

    public InvitationStatus StatusOf(Invitation invitation)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        return invitation.StatusAt(timeProvider.GetUtcNow());
    }

    /// <summary>Logs in to the connector's server as the owner says, with the connector's settings; saves nothing.</summary>
    public Task<ConnectionTestResult> TestAsync(Invitation invitation, Connector connector, string username, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        ArgumentNullException.ThrowIfNull(connector);
        return mailConnector.TestAsync(connector.Settings.ForMailbox(username, invitation.Email, null), new PasswordCredential(username, password), cancellationToken);
    }

    /// <summary>
    /// Saves the owner's mailbox: the login is tried first (a wrong password creates nothing and leaves the link usable),
    /// then the invitation is claimed (only one claim wins), then the mailbox is created and its import starts.
    /// </summary>
    public async Task<RedeemOutcome> RedeemAsync(Invitation invitation, Connector connector, string username, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        ArgumentNullException.ThrowIfNull(connector);
        if (StatusOf(invitation) != InvitationStatus.Pending)
        {
            return new(null, null, "This link has already been used.");
        }

        var existing = await connectors.ListMailboxesAsync(connector.Id, cancellationToken);
        if (existing.Any(m => string.Equals(m.Settings.Username, username, StringComparison.OrdinalIgnoreCase)))
        {
            return new(null, null, $"The archive already has the mailbox '{username}'. Ask your administrator.");
        }

        var test = await TestAsync(invitation, connector, username, password, cancellationToken);
        if (!test.Ok)
        {
            OnboardingLog.LoginFailed(logger, invitation.Id, test.Error?.Code ?? "Unknown");
            return new(null, test.Error, null);
        }

        var mailbox = sources.NewSource(connector.Settings.ForMailbox(username, invitation.Email, null), protector.Protect(password), connector.Id);
        // From the claim on, the request's cancellation no longer applies: a claimed link must end with its mailbox.
        if (!await invitations.ClaimInvitationAsync(invitation.Id, mailbox.Id, timeProvider.GetUtcNow(), CancellationToken.None))
        {
            return new(null, null, "This link has already been used.");
        }

        try
        {
            await sources.CreateManyAsync([mailbox], connector.Settings.MaxConcurrentImports, CancellationToken.None);
        }
        catch
        {
            await invitations.ReleaseInvitationAsync(invitation.Id, mailbox.Id, CancellationToken.None);
            throw;
        }

        OnboardingLog.Redeemed(logger, invitation.Id, mailbox.Id, connector.Id);
        return new(mailbox, null, null);
    }

    private static Uri LinkFor(Uri publicBase, string token) => new($"{publicBase.AbsoluteUri.TrimEnd('/')}/onboard/{token}");

    private async Task<IReadOnlyList<IssuedInvitation>> DeliverAsync(List<IssuedInvitation> issued, string connectorName, CancellationToken cancellationToken)
    {
        if (!mailer.IsConfigured || issued.Count == 0)
        {
            return issued;
        }

        var outcomes = await mailer.SendAsync(issued, connectorName, cancellationToken);
        var now = timeProvider.GetUtcNow();
        var delivered = new List<IssuedInvitation>(issued.Count);
        for (var i = 0; i < issued.Count; i++)
        {
            var invitation = issued[i].Invitation;
            var error = outcomes[i];
            DateTimeOffset? sentAt = error is null ? now : null;
            await invitations.RecordInvitationDeliveryAsync(invitation.Id, sentAt, error, cancellationToken);
            if (error is null)
            {
                OnboardingLog.Sent(logger, invitation.Id);
            }
            else
            {
                OnboardingLog.SendFailed(logger, invitation.Id, error);
            }

            delivered.Add(issued[i] with { Invitation = invitation with { SentAt = sentAt, SendError = error } });
        }

        return delivered;
    }
}
