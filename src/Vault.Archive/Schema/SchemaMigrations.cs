namespace Vault.Archive.Schema;

internal static class SchemaMigrations
{
    /// <summary>The version the steps lead to; they must be numbered 1, 2, 3... in order, so none can be skipped or run twice.</summary>
    public static int Latest<TTarget>(IReadOnlyList<SchemaMigration<TTarget>> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Count == 0)
        {
            throw new ArgumentException("A schema needs at least its first version.", nameof(steps));
        }

        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i].Version != i + 1)
            {
                throw new ArgumentException($"Migration {i + 1} is numbered {steps[i].Version}: versions must run 1, 2, 3... without gaps.", nameof(steps));
            }
        }

        return steps.Count;
    }
}
