using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Driver;
using Vault.Archive.Connectors;
using Vault.Archive.Embedded;
using Vault.Archive.Invitations;
using Vault.Archive.Jobs;
using Vault.Archive.KeyProtection;
using Vault.Archive.Messages;
using Vault.Archive.MongoDb;
using Vault.Archive.Sources;

namespace Vault.Archive;

public static class ArchiveServiceCollectionExtensions
{
    /// <summary>
    /// Registers the archive store chosen by <c>Vault:Store</c> (Embedded, the default, or MongoDb), Data Protection
    /// with its key ring beside that store (encrypted as <c>Vault:KeyProtection</c> says, see <see cref="KeyProtectionSetup"/>),
    /// <see cref="CredentialProtector"/>, and the start-up step that opens the store.
    /// Reads <c>Vault:DataDirectory</c> as already made absolute by the host.
    /// </summary>
    public static IServiceCollection AddArchive(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var dataDirectory = Path.GetFullPath(configuration["Vault:DataDirectory"] is { Length: > 0 } configured ? configured : "data");
        var kind = StoreKindFrom(configuration["Vault:Store"]);

        services.TryAddSingleton(TimeProvider.System);
        var dataProtection = services.AddDataProtection().SetApplicationName("Vault");

        if (kind == StoreKind.MongoDb)
        {
            var connectionString = configuration["Vault:MongoDb:ConnectionString"];
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException(
                    "Vault:Store is MongoDb but Vault:MongoDb:ConnectionString is not set (environment variable Vault__MongoDb__ConnectionString). " +
                    "It must point at a replica set: batches commit in multi-document transactions.");
            }

            var databaseName = configuration["Vault:MongoDb:Database"] is { Length: > 0 } name ? name : "vault";
            services.AddSingleton<IMongoClient>(_ => new MongoClient(connectionString));
            services.AddSingleton(sp => sp.GetRequiredService<IMongoClient>().GetDatabase(databaseName));
            services.AddSingleton<IArchiveStore>(sp => new MongoArchiveStore(
                sp.GetRequiredService<IMongoDatabase>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<MongoArchiveStore>>()));
            // PostConfigure: the key ring must be the shared one even if another feature also configured a folder for it.
            services.AddOptions<KeyManagementOptions>()
                .PostConfigure<IMongoDatabase>((options, database) => options.XmlRepository = new MongoDataProtectionKeyRepository(database));
            services.AddSingleton(KeyProtectionSetup.Configure(
                dataProtection, configuration, dataDirectory, $"the MongoDB collection dataProtectionKeys of database {databaseName}", "that database"));
        }
        else
        {
            var keys = Path.Combine(dataDirectory, "keys");
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(keys));
            services.AddSingleton(KeyProtectionSetup.Configure(dataProtection, configuration, dataDirectory, keys, "the data directory"));
            services.AddSingleton<IArchiveStore>(sp => new EmbeddedArchiveStore(
                dataDirectory, sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<EmbeddedArchiveStore>>()));
        }

        // Both stores serve the connectors port too, from the same instance.
        services.AddSingleton(sp => (IConnectorStore)sp.GetRequiredService<IArchiveStore>());
        services.AddSingleton(sp => (Pop3.IPop3StateStore)sp.GetRequiredService<IArchiveStore>());
        services.AddSingleton(sp => (IJobReportStore)sp.GetRequiredService<IArchiveStore>());
        services.AddSingleton(sp => (IMessageCatalog)sp.GetRequiredService<IArchiveStore>());
        services.AddSingleton<IArchiveChangeFeed>(sp => sp.GetRequiredService<IArchiveStore>());
        services.AddSingleton<ISourceStore>(sp => sp.GetRequiredService<IArchiveStore>());
        services.AddSingleton<IMessageStore>(sp => sp.GetRequiredService<IArchiveStore>());
        services.AddSingleton<Folders.IFolderSyncStore>(sp => sp.GetRequiredService<IArchiveStore>());
        services.AddSingleton(sp => (OAuth.IOAuthStore)sp.GetRequiredService<IArchiveStore>());
        services.AddSingleton(sp => (IInvitationStore)sp.GetRequiredService<IArchiveStore>());
        services.AddSingleton<CredentialProtector>();
        // Logging is the host's to register; without it (a bare ServiceCollection) the start-up step logs nowhere.
        services.AddHostedService(sp => new ArchiveInitializer(
            sp.GetRequiredService<IArchiveStore>(), dataDirectory, sp.GetService<ILogger<ArchiveInitializer>>() ?? NullLogger<ArchiveInitializer>.Instance));
        services.AddHostedService<KeyProtectionReport>();
        return services;
    }

    private static StoreKind StoreKindFrom(string? value) =>
        string.IsNullOrWhiteSpace(value) ? StoreKind.Embedded
        : Enum.TryParse<StoreKind>(value, ignoreCase: true, out var kind) && Enum.IsDefined(kind) ? kind
        : throw new InvalidOperationException($"Vault:Store is '{value}'; it must be Embedded or MongoDb.");
}
