namespace Vault.Archive.KeyProtection;

public enum KeyProtectionKind
{
    None,
    Certificate,
    KeyFile,
}
