namespace Vault.Archive.Schema;

/// <summary>
/// One forward step of a store's schema: after it, the archive is at <see cref="Version"/>. Steps never change once
/// released (an archive that ran a step never runs it again); a change to the schema is a new step with the next version.
/// <typeparamref name="TTarget"/> is what a step works on: the open SQLite transaction, or the MongoDB database.
/// </summary>
internal sealed record SchemaMigration<TTarget>(int Version, string Description, Func<TTarget, CancellationToken, Task> ApplyAsync);
