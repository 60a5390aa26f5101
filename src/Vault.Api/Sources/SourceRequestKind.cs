namespace Vault.Api.Sources;

/// <summary>Which endpoint a <see cref="SourceRequest"/> came to; the rules differ on name and password.</summary>
public enum SourceRequestKind
{
    Create,
    Edit,
    Test,
}
