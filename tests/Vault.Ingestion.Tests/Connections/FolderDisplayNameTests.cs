using Vault.Ingestion.Connections;

namespace Vault.Ingestion.Tests.Connections;

public sealed class FolderDisplayNameTests
{
    [Theory]
    [InlineData("INBOX.Archive.2022", '.', "INBOX.", "Archive/2022")]
    [InlineData("INBOX", '.', "INBOX.", "INBOX")]
    [InlineData("Projekte/Übersicht", '/', "", "Projekte/Übersicht")]
    [InlineData("Archive.2022", '.', "", "Archive/2022")]
    [InlineData("Sent", '\0', "", "Sent")]
    public void Names_are_relative_to_the_personal_namespace_with_slash_separators(string fullName, char separator, string namespacePath, string expected)
    {
        Assert.Equal(expected, FolderDisplayName.Of(fullName, separator, namespacePath));
    }
}
