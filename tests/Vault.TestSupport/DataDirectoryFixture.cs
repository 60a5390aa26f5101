using System.Text.Json;

namespace Vault.TestSupport;

/// <summary>
/// A data directory written by an earlier Vault and committed under <c>tests/Vault.TestSupport/Fixtures/{name}</c>
/// (its README.md says how): <c>data/</c> is the directory itself, <c>expected.json</c> what it held when written.
/// Tests work on a copy, never on the committed files.
/// </summary>
public sealed class DataDirectoryFixture
{
    private DataDirectoryFixture(string name, string root, JsonElement expected)
    {
        Name = name;
        Root = root;
        Expected = expected;
    }

    public string Name { get; }

    /// <summary>The committed folder: read it, never write it.</summary>
    public string Root { get; }

    /// <summary><c>expected.json</c>: <c>sources[]</c> with id, password, messageCount, source (API JSON), events, folderStates, messages.</summary>
    public JsonElement Expected { get; }

    public IEnumerable<JsonElement> Sources => Expected.GetProperty("sources").EnumerateArray();

    public static DataDirectoryFixture Open(string name)
    {
        var root = Path.Combine(RepositoryRoot.Path, "tests", "Vault.TestSupport", "Fixtures", name);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "expected.json")));
        return new DataDirectoryFixture(name, root, json.RootElement.Clone());
    }

    /// <summary>Copies <c>data/</c> into <paramref name="target"/> (created) and returns it.</summary>
    public string CopyDataTo(string target)
    {
        var data = Path.Combine(Root, "data");
        foreach (var file in Directory.EnumerateFiles(data, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(data, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }

        return target;
    }
}
