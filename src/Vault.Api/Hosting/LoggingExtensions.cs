namespace Vault.Api.Hosting;

public static class LoggingExtensions
{
    /// <summary>
    /// Data Protection's key manager warns "No XML encryptor configured. Key ... may be persisted to storage in
    /// unencrypted form" whenever it makes a key: true, but it names no setting, and Vault says the same plainly at
    /// start with what to set (Vault:KeyProtection, see KeyProtectionReport). Its other warnings concern ephemeral key
    /// repositories, which Vault never uses; its errors still show.
    /// </summary>
    public static IHostApplicationBuilder AddVaultLogging(this IHostApplicationBuilder builder)
    {
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager", LogLevel.Error);
        return builder;
    }
}
