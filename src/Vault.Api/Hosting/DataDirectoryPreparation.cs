namespace Vault.Api.Hosting;

/// <summary>What <see cref="PrivateDataDirectory.Prepare"/> found: how many entries it made private, and which it could not.</summary>
public sealed record DataDirectoryPreparation(string Path, int Tightened, IReadOnlyList<string> Refused);
