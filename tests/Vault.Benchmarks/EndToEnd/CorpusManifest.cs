using System.Text.Json;

namespace Vault.Benchmarks.EndToEnd;

/// <summary>What gen_corpus.py wrote beside the mailbox: how many messages, how many bytes, and the needles with their exact counts.</summary>
public sealed record CorpusManifest(
    int Count,
    long Bytes,
    string RareWord,
    string Phrase,
    string Sender,
    string DateFrom,
    string DateTo,
    IReadOnlyDictionary<string, int> NeedleCounts)
{
    public static CorpusManifest Load(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = document.RootElement;
        var needles = root.GetProperty("needles");
        var range = needles.GetProperty("date_range");
        var counts = root.GetProperty("needle_counts").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        return new CorpusManifest(
            root.GetProperty("count").GetInt32(),
            root.GetProperty("bytes").GetInt64(),
            needles.GetProperty("rare_word").GetString()!,
            needles.GetProperty("phrase").GetString()!,
            needles.GetProperty("sender").GetString()!,
            range[0].GetString()!,
            range[1].GetString()!,
            counts);
    }

    /// <summary>The needle queries of ARCHITECTURE.md's query language, each with the count search must return.</summary>
    public IReadOnlyList<(string Name, string Query, int Expected)> NeedleQueries() =>
    [
        ("rare_word", RareWord, NeedleCounts["rare_word"]),
        ("phrase", $"\"{Phrase}\"", NeedleCounts["phrase"]),
        ("sender", $"from:{Sender}", NeedleCounts["sender"]),
        ("date_range", $"date:{DateFrom}..{DateTo}", NeedleCounts["date_range"]),
    ];
}
