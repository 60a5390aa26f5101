using Vault.Archive.Sources;

namespace Vault.Archive.Tests;

public sealed class ArchiveJsonTests
{
    [Fact]
    public void Settings_written_by_another_version_read_with_unknown_properties_skipped_and_missing_ones_defaulted()
    {
        // As a later version might store it (a property this one lacks), and without the optional ones this one has.
        const string stored = """
            {"name":"Acme","host":"imap.acme.test","username":"support","description":"added later","connectorId":"c1",
             "tlsMode":"StartTls","port":143,"futureBlock":{"nested":[1,2]}}
            """;

        var settings = ArchiveJson.Deserialize<SourceSettings>(stored);

        Assert.Equal(("Acme", "imap.acme.test", "support"), (settings.Name, settings.Host, settings.Username));
        Assert.Equal((TlsMode.StartTls, 143), (settings.TlsMode, settings.Port));
        Assert.Equal(TimeSpan.FromSeconds(30), settings.Timeout);
        Assert.Empty(settings.IncludeFolders);
        Assert.Null(settings.PollInterval);
    }

    [Fact]
    public void Progress_written_before_a_counter_existed_reads_with_that_counter_at_zero_and_ignores_unknown_ones()
    {
        var progress = ArchiveJson.Deserialize<SyncProgress>("""{"messagesArchived":5,"messagesOnServer":9,"foldersDone":1,"foldersTotal":2,"retriedLater":true}""");

        Assert.Equal(new SyncProgress(5, 9, 0, 1, 2), progress);
    }
}
