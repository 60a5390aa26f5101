using MailKit;
using Microsoft.Extensions.Logging.Abstractions;
using Vault.Archive.Sources;
using Vault.Ingestion.Credentials;
using Vault.Ingestion.Connections;
using Vault.Ingestion.Imap;

namespace Vault.Ingestion.Tests.Connections;

/// <summary>The connection test and the sync engine list folders one way: a server's "Inbox" is INBOX in both.</summary>
public sealed class FolderListingTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_server_that_spells_its_inbox_Inbox_shows_INBOX_in_the_connection_test_as_in_the_archive()
    {
        // Some servers (Exchange, some hosted ones) list the inbox in mixed case; RFC 3501 §5.1 makes it INBOX whatever the case.
        var replies = new Dictionary<string, string[]>
        {
            ["NAMESPACE"] = ["* NAMESPACE ((\"\" \"/\")) NIL NIL"],
            ["LIST"] = ["* LIST (\\HasNoChildren) \"/\" Inbox", "* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent Items\""],
            ["STATUS"] = [],
        };
        await using var server = new ScriptedImapServer("* OK ready.", "IMAP4rev1 NAMESPACE AUTH=PLAIN", ["{tag} OK logged in"], replies: replies);
        var settings = new SourceSettings { Name = "inbox", Host = "127.0.0.1", Port = server.Port, TlsMode = TlsMode.None, Username = "u" };
        var connector = new MailConnector(NullLogger<MailConnector>.Instance);

        var tested = await connector.TestAsync(settings, new PasswordCredential("u", "p"), Token);
        await using var connection = await connector.ConnectImapAsync(settings, new PasswordCredential("u", "p"), Token);
        var listed = await ImapFolderLister.ListAsync(connection.Client, StatusItems.None, Token);

        Assert.True(tested.Ok, tested.Error?.Message);
        Assert.Equal(["INBOX", "Sent Items"], tested.Folders.Select(f => f.Name));
        Assert.Equal(tested.Folders.Select(f => f.Name), listed.Select(f => f.Name));
    }
}
