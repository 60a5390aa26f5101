namespace Vault.Api.Hosting;

internal static partial class DataDirectoryLog
{
    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning,
        Message = "The data directory {DataDirectory} was readable by other users of this machine; Vault made {Entries} folders and files in it private to its owner (0700/0600).")]
    public static partial void Tightened(ILogger logger, string dataDirectory, int entries);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning,
        Message = "Vault could not make {Entries} entries of the data directory {DataDirectory} private (first: {First}); they belong to another user. Make the directory and its files owned by the user Vault runs as, mode 0700/0600.")]
    public static partial void CouldNotTighten(ILogger logger, string dataDirectory, int entries, string first);
}
