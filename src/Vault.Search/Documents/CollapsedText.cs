using System.Text;

namespace Vault.Search.Documents;

/// <summary>
/// Text built from HTML data and tag breaks: runs of blanks become one blank, a line break wins over blanks,
/// nothing leads or trails, and the text stops at <c>maxLength</c> characters.
/// </summary>
internal sealed class CollapsedText(int capacity, int maxLength)
{
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

    public void Append(string data)
    {
        foreach (var c in data)
        {
            if (c == '\n' && Preformatted)
            {
                Break(TextBreak.Line);
            }
            else if (char.IsWhiteSpace(c))
            {
                // U+00A0 (from &nbsp;) reads as a blank too.
                Break(TextBreak.Blank);
            }
            else if (!Add(c))
            {
                return;
            }
        }
    }

    public override string ToString() => _text.ToString();

    private bool Add(char c)
    {
        var separator = _text.Length > 0 && _pending != TextBreak.None;
        if (IsFull || _text.Length + (separator ? 2 : 1) > maxLength)
        {
            IsFull = true;
            return false;
        }

        if (separator)
        {
            _text.Append(_pending == TextBreak.Line ? '\n' : ' ');
        }

        _pending = TextBreak.None;
        _text.Append(c);
        return true;
    }
}
