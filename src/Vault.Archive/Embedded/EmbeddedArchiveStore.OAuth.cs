using Microsoft.Data.Sqlite;
using Vault.Archive.OAuth;

namespace Vault.Archive.Embedded;

/// <summary>The OAuth2 port (<see cref="IOAuthStore"/>): the <c>oauth_clients</c>, <c>oauth_states</c> and <c>oauth_grants</c> tables.</summary>
public sealed partial class EmbeddedArchiveStore
{
    /// <summary>A state that expired this long ago is purged; until then a replay of it reads "already used", not "unknown".</summary>
    private static readonly TimeSpan SignInKept = TimeSpan.FromDays(1);

    public async Task<OAuthClientSettings?> GetOAuthClientAsync(OAuthProvider provider, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT settings, client_secret FROM oauth_clients WHERE provider = $provider";
        command.Parameters.AddWithValue("$provider", provider.ToString());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return ArchiveJson.Deserialize<OAuthClientSettings>(reader.GetString(0)) with
        {
            EncryptedClientSecret = reader.IsDBNull(1) ? null : (byte[])reader.GetValue(1),
        };
    }

    public Task SaveOAuthClientAsync(OAuthClientSettings client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        return ExecuteWriteAsync(
            """
            INSERT INTO oauth_clients (provider, settings, client_secret, updated_at) VALUES ($provider, $settings, $secret, $updated)
            ON CONFLICT (provider) DO UPDATE SET settings = excluded.settings, client_secret = excluded.client_secret, updated_at = excluded.updated_at
            """,
            cancellationToken,
            ("$provider", client.Provider.ToString()),
            ("$settings", ArchiveJson.Serialize(client)),
            ("$secret", (object?)client.EncryptedClientSecret ?? DBNull.Value),
            ("$updated", client.UpdatedAt.UtcTicks));
    }

    public Task SaveOAuthSignInAsync(OAuthSignInState signIn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signIn);
        return ExecuteWriteAsync(
            """
            DELETE FROM oauth_states WHERE expires_at < $purge;
            INSERT INTO oauth_states (state_hash, source_id, provider, code_verifier, redirect_uri, created_at, expires_at)
            VALUES ($hash, $source, $provider, $verifier, $redirect, $created, $expires);
            """,
            cancellationToken,
            ("$purge", (signIn.CreatedAt - SignInKept).UtcTicks),
            ("$hash", signIn.StateHash),
            ("$source", signIn.SourceId),
            ("$provider", signIn.Provider.ToString()),
            ("$verifier", signIn.EncryptedCodeVerifier),
            ("$redirect", signIn.RedirectUri),
            ("$created", signIn.CreatedAt.UtcTicks),
            ("$expires", signIn.ExpiresAt.UtcTicks));
    }

    public Task<OAuthSignInClaim> ClaimOAuthSignInAsync(string stateHash, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            // One writer at a time and one statement: of two callbacks with the same state, only the first finds used_at null.
            using var claim = connection.CreateCommand();
            claim.Transaction = transaction;
            claim.CommandText = $"UPDATE oauth_states SET used_at = $at WHERE state_hash = $hash AND used_at IS NULL RETURNING {SignInColumns}";
            claim.Parameters.AddWithValue("$at", at.UtcTicks);
            claim.Parameters.AddWithValue("$hash", stateHash);
            await using (var reader = await claim.ExecuteReaderAsync(cancellationToken))
            {
                if (await reader.ReadAsync(cancellationToken))
                {
                    return new OAuthSignInClaim(OAuthSignInClaimOutcome.Claimed, SignIn(reader));
                }
            }

            using var used = connection.CreateCommand();
            used.Transaction = transaction;
            used.CommandText = $"SELECT {SignInColumns} FROM oauth_states WHERE state_hash = $hash";
            used.Parameters.AddWithValue("$hash", stateHash);
            await using var existing = await used.ExecuteReaderAsync(cancellationToken);
            return await existing.ReadAsync(cancellationToken)
                ? new OAuthSignInClaim(OAuthSignInClaimOutcome.AlreadyUsed, SignIn(existing))
                : OAuthSignInClaim.Unknown;
        }, cancellationToken);

    public async Task<OAuthGrant?> GetOAuthGrantAsync(string sourceId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT source_id, provider, refresh_token, scopes, granted_at, rotated_at FROM oauth_grants WHERE source_id = $source";
        command.Parameters.AddWithValue("$source", sourceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new OAuthGrant
        {
            SourceId = reader.GetString(0),
            Provider = Enum.Parse<OAuthProvider>(reader.GetString(1)),
            EncryptedRefreshToken = (byte[])reader.GetValue(2),
            Scopes = ArchiveJson.Deserialize<string[]>(reader.GetString(3)),
            GrantedAt = EmbeddedRows.Time(reader, 4)!.Value,
            RotatedAt = EmbeddedRows.Time(reader, 5),
        };
    }

    public Task SaveOAuthGrantAsync(OAuthGrant grant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grant);
        return ExecuteWriteAsync(
            """
            INSERT OR REPLACE INTO oauth_grants (source_id, provider, refresh_token, scopes, granted_at, rotated_at)
            VALUES ($source, $provider, $token, $scopes, $granted, $rotated)
            """,
            cancellationToken,
            ("$source", grant.SourceId),
            ("$provider", grant.Provider.ToString()),
            ("$token", grant.EncryptedRefreshToken),
            ("$scopes", ArchiveJson.Serialize(grant.Scopes)),
            ("$granted", grant.GrantedAt.UtcTicks),
            ("$rotated", EmbeddedRows.Ticks(grant.RotatedAt)));
    }

    public Task DeleteOAuthGrantAsync(string sourceId, CancellationToken cancellationToken) =>
        ExecuteWriteAsync("DELETE FROM oauth_grants WHERE source_id = $source", cancellationToken, ("$source", sourceId));

    private const string SignInColumns = "state_hash, source_id, provider, code_verifier, redirect_uri, created_at, expires_at, used_at";

    private static OAuthSignInState SignIn(SqliteDataReader reader) => new()
    {
        StateHash = reader.GetString(0),
        SourceId = reader.GetString(1),
        Provider = Enum.Parse<OAuthProvider>(reader.GetString(2)),
        EncryptedCodeVerifier = (byte[])reader.GetValue(3),
        RedirectUri = reader.GetString(4),
        CreatedAt = EmbeddedRows.Time(reader, 5)!.Value,
        ExpiresAt = EmbeddedRows.Time(reader, 6)!.Value,
        UsedAt = EmbeddedRows.Time(reader, 7),
    };
}
