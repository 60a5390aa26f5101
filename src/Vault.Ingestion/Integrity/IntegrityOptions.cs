namespace Vault.Ingestion.Integrity;

/// <summary><c>Vault:Integrity</c>: how often every source's archive is checked on its own.</summary>
public sealed class IntegrityOptions
{
    public const string SectionName = "Vault:Integrity";

    /// <summary>A source is checked again once its last check is this old; <c>00:00:00</c> turns the schedule off.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the schedule looks for sources that are due (at most <see cref="Interval"/>).</summary>
    public TimeSpan ScheduleCheck { get; set; } = TimeSpan.FromHours(1);
}
