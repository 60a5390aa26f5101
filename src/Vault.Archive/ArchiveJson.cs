using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vault.Archive;

/// <summary>
/// How the stores serialize the few values they keep as JSON (settings, error details, progress, flags, retry lists):
/// camelCase, enums as their names, so a stored row reads the same as the API shows it.
/// Rows outlive the code that wrote them: a property this version does not know is skipped, and one it added since is
/// missing from older rows and takes its default, so adding an optional property needs no schema migration.
/// A new <c>required</c> property does (older rows lack it and would not read).
/// </summary>
internal static class ArchiveJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        // The default, stated because the archive depends on it: never Disallow.
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new InvalidDataException($"Stored JSON for {typeof(T).Name} is null.");
}
