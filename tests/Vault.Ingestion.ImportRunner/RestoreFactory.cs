using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vault.Archive;
using Vault.Archive.Embedded;
using Vault.Archive.Sources;
using Vault.Ingestion.Connections;
using Vault.Ingestion.Connectors;
using Vault.Ingestion.Errors;
using Vault.Ingestion.Restore;
using Vault.Search.Searching;

namespace Vault.Ingestion.ImportRunner;

/// <summary>
/// The restore wired by hand, as the restore tests and this child process use it: no Quartz, no host. Passwords are
/// protected with Data Protection keys under the data directory, so a child process decrypts what a test encrypted.
/// </summary>
public static class RestoreFactory
{
    public static CredentialProtector Protector(string dataDirectory)
    {
        var services = new ServiceCollection();
        services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDirectory, "keys")));
        return new CredentialProtector(services.BuildServiceProvider().GetRequiredService<IDataProtectionProvider>());
    }

    public static MailboxRestorer Create(
        EmbeddedArchiveStore store, string dataDirectory, RestoreOptions options, SearchService? search = null, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var login = new RestoreLogin(new MailConnector(NullLogger<MailConnector>.Instance), new PlainPasswords(), store, new ConnectorBudgets(), Protector(dataDirectory));
        return new MailboxRestorer(
            store, store, store, store, login, new RestoreSelection(search), new RetryPolicy(time), Options.Create(options),
            Options.Create(new ArchiveOptions { DataDirectory = dataDirectory }), time, NullLogger<MailboxRestorer>.Instance);
    }
}
