namespace Vault.Benchmarks.EndToEnd;

/// <summary>A run that cannot go on (a stuck import, a missing prerequisite); its message is what the person reads.</summary>
public sealed class BenchmarkFailedException : Exception
{
    public BenchmarkFailedException()
    {
    }

    public BenchmarkFailedException(string message)
        : base(message)
    {
    }

    public BenchmarkFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
