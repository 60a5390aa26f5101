using Microsoft.Data.Sqlite;
using Vault.Archive.Invitations;

namespace Vault.Archive.Embedded;

/// <summary>The invitations port (<see cref="IInvitationStore"/>): the <c>invitations</c> table, unique on <c>token_hash</c>.</summary>
public sealed partial class EmbeddedArchiveStore
{
    private const string InvitationColumns =
        "id, connector_id, email, token_hash, created_at, expires_at, revoked_at, used_at, source_id, sent_at, send_error";

    // "Pending at $at": the one condition every state change of a link starts from.
    private const string Pending = "used_at IS NULL AND revoked_at IS NULL AND expires_at > $at";

    public Task CreateInvitationsAsync(IReadOnlyList<Invitation> invitations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invitations);
        return WriteAsync(async (connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"""
                INSERT INTO invitations ({InvitationColumns})
                VALUES ($id, $connector, $email, $hash, $created, $expires, NULL, NULL, NULL, NULL, NULL)
                """;
            var id = command.Parameters.Add("$id", SqliteType.Text);
            var connector = command.Parameters.Add("$connector", SqliteType.Text);
            var email = command.Parameters.Add("$email", SqliteType.Text);
            var hash = command.Parameters.Add("$hash", SqliteType.Blob);
            var created = command.Parameters.Add("$created", SqliteType.Integer);
            var expires = command.Parameters.Add("$expires", SqliteType.Integer);
            foreach (var invitation in invitations)
            {
                id.Value = invitation.Id;
                connector.Value = invitation.ConnectorId;
                email.Value = invitation.Email;
                hash.Value = invitation.TokenHash;
                created.Value = invitation.CreatedAt.UtcTicks;
                expires.Value = invitation.ExpiresAt.UtcTicks;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            return invitations.Count;
        }, cancellationToken);
    }

    public async Task<Invitation?> GetInvitationAsync(string invitationId, CancellationToken cancellationToken) =>
        Single(await ReadInvitationsAsync("id = $key", invitationId, cancellationToken));

    public async Task<Invitation?> FindInvitationByTokenHashAsync(byte[] tokenHash, CancellationToken cancellationToken) =>
        Single(await ReadInvitationsAsync("token_hash = $key", tokenHash, cancellationToken));

    public Task<IReadOnlyList<Invitation>> ListInvitationsAsync(string connectorId, CancellationToken cancellationToken) =>
        ReadInvitationsAsync("connector_id = $key", connectorId, cancellationToken);

    public async Task<bool> RevokeInvitationAsync(string invitationId, DateTimeOffset at, CancellationToken cancellationToken) =>
        await ExecuteWriteAsync(
            $"UPDATE invitations SET revoked_at = $at WHERE id = $id AND {Pending}",
            cancellationToken,
            ("$id", invitationId),
            ("$at", at.UtcTicks)) == 1;

    public async Task<bool> ClaimInvitationAsync(string invitationId, string sourceId, DateTimeOffset at, CancellationToken cancellationToken) =>
        await ExecuteWriteAsync(
            $"UPDATE invitations SET used_at = $at, source_id = $source WHERE id = $id AND {Pending}",
            cancellationToken,
            ("$id", invitationId),
            ("$source", sourceId),
            ("$at", at.UtcTicks)) == 1;

    public Task ReleaseInvitationAsync(string invitationId, string sourceId, CancellationToken cancellationToken) =>
        ExecuteWriteAsync(
            "UPDATE invitations SET used_at = NULL, source_id = NULL WHERE id = $id AND source_id = $source",
            cancellationToken,
            ("$id", invitationId),
            ("$source", sourceId));

    public async Task<bool> ReplaceInvitationTokenAsync(string invitationId, byte[] tokenHash, DateTimeOffset at, CancellationToken cancellationToken) =>
        await ExecuteWriteAsync(
            $"UPDATE invitations SET token_hash = $hash, sent_at = NULL, send_error = NULL WHERE id = $id AND {Pending}",
            cancellationToken,
            ("$id", invitationId),
            ("$hash", tokenHash),
            ("$at", at.UtcTicks)) == 1;

    public Task RecordInvitationDeliveryAsync(string invitationId, DateTimeOffset? sentAt, string? sendError, CancellationToken cancellationToken) =>
        ExecuteWriteAsync(
            "UPDATE invitations SET sent_at = $sent, send_error = $error WHERE id = $id",
            cancellationToken,
            ("$id", invitationId),
            ("$sent", EmbeddedRows.Ticks(sentAt)),
            ("$error", EmbeddedRows.Text(sendError)));

    private async Task<IReadOnlyList<Invitation>> ReadInvitationsAsync(string where, object key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {InvitationColumns} FROM invitations WHERE {where} ORDER BY created_at, id";
        command.Parameters.AddWithValue("$key", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var invitations = new List<Invitation>();
        while (await reader.ReadAsync(cancellationToken))
        {
            invitations.Add(new Invitation
            {
                Id = reader.GetString(0),
                ConnectorId = reader.GetString(1),
                Email = reader.GetString(2),
                TokenHash = (byte[])reader.GetValue(3),
                CreatedAt = EmbeddedRows.Time(reader, 4)!.Value,
                ExpiresAt = EmbeddedRows.Time(reader, 5)!.Value,
                RevokedAt = EmbeddedRows.Time(reader, 6),
                UsedAt = EmbeddedRows.Time(reader, 7),
                SourceId = EmbeddedRows.NullableText(reader, 8),
                SentAt = EmbeddedRows.Time(reader, 9),
                SendError = EmbeddedRows.NullableText(reader, 10),
            });
        }

        return invitations;
    }
}
