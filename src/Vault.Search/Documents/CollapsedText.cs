using System.Buffers;
using System.Text;

namespace Vault.Search.Documents;

/// <summary>
/// Text built from HTML data and tag breaks: runs of blanks become one blank, a line break wins over blanks,
/// nothing leads or trails, and the text stops at <c>maxLength</c> characters.
/// </summary>
internal sealed class CollapsedText(int capacity, int maxLength)
{
    /// <summary>Every character <see cref="char.IsWhiteSpace(char)"/> accepts, U+00A0 (from &amp;nbsp;) among them.</summary>
    private static readonly SearchValues<char> Blanks =
        SearchValues.Create(Enumerable.Range(0, char.MaxValue + 1).Select(c => (char)c).Where(char.IsWhiteSpace).ToArray());

    private readonly StringBuilder _text = new(Math.Min(capacity, maxLength));
    private TextBreak _pending;

    /// <summary>Inside <c>pre</c>, a line break in the source is a line break in the text.</summary>
    public bool Preformatted { get; set; }

    public bool IsFull { get; private set; } = maxLength <= 0;

    public void Break(TextBreak kind)
    {
        if (kind > _pending)
        {
            _pending = kind;
        }
    }

    public int Length => _text.Length;

    public void Append(string data) => Append(data.AsSpan());

    /// <summary>Appends text; text appended by consecutive calls with no blank between joins into one word.</summary>
    public void Append(ReadOnlySpan<char> data)
    {
        var rest = data;
        while (!rest.IsEmpty && !IsFull)
        {
            var blank = rest.IndexOfAny(Blanks);
            AddWord(blank < 0 ? rest : rest[..blank]);
            if (blank < 0)
            {
                return;
            }

            Break(Preformatted && rest[blank] == '\n' ? TextBreak.Line : TextBreak.Blank);
            rest = rest[(blank + 1)..];
        }
    }

    public override string ToString() => _text.ToString();

    private void AddWord(ReadOnlySpan<char> word)
    {
        if (word.IsEmpty)
        {
            return;
        }

        var separator = _text.Length > 0 && _pending != TextBreak.None;
        var room = maxLength - _text.Length - (separator ? 1 : 0);
        if (room <= 0)
        {
            IsFull = true;
            return;
        }

        if (separator)
        {
            _text.Append(_pending == TextBreak.Line ? '\n' : ' ');
        }

        _pending = TextBreak.None;
        _text.Append(word.Length > room ? word[..room] : word);
        IsFull = word.Length >= room;
    }
}
