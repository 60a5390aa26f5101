using Vault.Search.Tests.Mailboxes;

namespace Vault.Search.Tests.Searching;

/// <summary><c>field:( ... )</c> over a real index: the field applies to every term inside the group and nowhere else.</summary>
public sealed class FieldGroupingTests : IDisposable
{
    private readonly ScratchIndex _index = new();

    public void Dispose() => _index.Dispose();

    private static string Message(string from, string subject, string body) =>
        $"From: {from}\r\nTo: team@example.org\r\nSubject: {subject}\r\nDate: Thu, 02 Mar 2023 10:00:00 +0000\r\n" +
        $"Message-ID: <{Guid.NewGuid():N}@example.org>\r\n\r\n{body}\r\n";

    private async Task<Dictionary<string, string>> AddAsync()
    {
        var ids = new Dictionary<string, string>
        {
            ["alpha"] = _index.Add(Message("Alice Smith <alice@example.org>", "alpha report", "nothing to see")),
            ["beta"] = _index.Add(Message("Bob Jones <bob@example.org>", "beta report", "alpha is only in this body")),
            ["gamma"] = _index.Add(Message("Carol White <carol@example.org>", "gamma notes", "beta is only in this body")),
            ["both"] = _index.Add(Message("Alice Bob <ab@example.org>", "alpha beta", "a body")),
        };
        await _index.Index.CommitAsync(TestContext.Current.CancellationToken);
        return ids;
    }

    private async Task<string[]> FindAsync(Dictionary<string, string> ids, string query)
    {
        var found = await _index.IdsAsync(query);
        return ids.Where(p => found.Contains(p.Value)).Select(p => p.Key).Order(StringComparer.Ordinal).ToArray();
    }

    [Fact]
    public async Task A_field_on_an_or_group_matches_either_word_in_that_field_only()
    {
        var ids = await AddAsync();
        Assert.Equal(["alpha", "beta", "both"], await FindAsync(ids, "subject:(alpha OR beta)"));

        // Without the group the second word is searched everywhere, bodies included.
        Assert.Equal(["alpha", "beta", "both", "gamma"], await FindAsync(ids, "subject:alpha OR beta"));
    }

    [Fact]
    public async Task A_field_on_an_and_group_needs_every_word_in_that_field()
    {
        var ids = await AddAsync();
        Assert.Equal(["both"], await FindAsync(ids, "from:(alice bob)"));
        Assert.Equal(["alpha"], await FindAsync(ids, "from:(alice smith)"));
        Assert.Empty(await FindAsync(ids, "from:(alice jones)"));
    }

    [Fact]
    public async Task A_negated_field_group_excludes_exactly_the_messages_the_group_matches()
    {
        var ids = await AddAsync();
        Assert.Equal(["alpha", "beta", "gamma"], await FindAsync(ids, "-subject:(alpha beta)"));
        Assert.Equal(["gamma"], await FindAsync(ids, "-subject:(alpha OR beta)"));
    }

    [Fact]
    public async Task Negations_phrases_and_own_fields_inside_a_group_keep_their_meaning()
    {
        var ids = await AddAsync();
        Assert.Equal(["both"], await FindAsync(ids, "subject:(alpha -report)"));
        Assert.Equal(["alpha"], await FindAsync(ids, "subject:(\"alpha report\")"));
        Assert.Empty(await FindAsync(ids, "subject:(\"report alpha\")"));
        Assert.Equal(["beta"], await FindAsync(ids, "subject:(report body:alpha)"));
        Assert.Equal(["alpha", "both"], await FindAsync(ids, "from:(alice@example.org OR ab@example.org)"));
    }
}
