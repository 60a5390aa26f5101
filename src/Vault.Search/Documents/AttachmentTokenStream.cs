using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Vault.Search.Analysis;

namespace Vault.Search.Documents;

/// <summary>
/// Analyzes the names or the text of a message's attachments as one field value, attachment n starting at position
/// n × <see cref="Stride"/>. A match's position then tells which attachment it lies in (<see cref="AttachmentOf"/>),
/// with no stored text and no field per attachment; and a phrase never runs from one attachment into the next.
/// Each attachment keeps at most <see cref="Stride"/> − 1 words (the 1 MB text cap holds fewer); attachments after the
/// <see cref="MaxAttachments"/>th share the last stretch.
/// </summary>
internal sealed class AttachmentTokenStream : TokenStream
{
    /// <summary>Positions per attachment: 2^20, so 2047 attachments fit below <see cref="int.MaxValue"/>.</summary>
    public const int Stride = 1 << 20;

    public const int MaxAttachments = int.MaxValue / Stride;

    private readonly IReadOnlyList<string> _values;
    private readonly Tokenizer _source;
    private readonly TokenStream _chain;
    private readonly ICharTermAttribute _innerTerm;
    private readonly IPositionIncrementAttribute _innerIncrement;
    private readonly IOffsetAttribute _innerOffset;
    private readonly ICharTermAttribute _term;
    private readonly IPositionIncrementAttribute _increment;
    private readonly IOffsetAttribute _offset;

    private int _value;
    private bool _open;
    private bool _first;
    private int _stretchStart;
    private int _emitted;
    private int _offsetBase;

    public AttachmentTokenStream(IReadOnlyList<string> values)
    {
        _values = values;
        (_source, _chain) = MailAnalyzer.CreateChain(new StringReader(string.Empty));
        _innerTerm = _chain.GetAttribute<ICharTermAttribute>();
        _innerIncrement = _chain.GetAttribute<IPositionIncrementAttribute>();
        _innerOffset = _chain.GetAttribute<IOffsetAttribute>();
        _term = AddAttribute<ICharTermAttribute>();
        _increment = AddAttribute<IPositionIncrementAttribute>();
        _offset = AddAttribute<IOffsetAttribute>();

        // The chain starts with a placeholder reader; it is closed so that SetReader may hand it each value in turn.
        _chain.Dispose();
    }

    /// <summary>The attachment a position of this field lies in.</summary>
    public static int AttachmentOf(int position) => Math.Min(position / Stride, MaxAttachments - 1);

    public override bool IncrementToken()
    {
        while (true)
        {
            if (_open && _chain.IncrementToken())
            {
                // Lucene places a token at (sum of increments so far) - 1 (DocInverterPerField).
                var increment = _first ? Math.Max(1, _stretchStart + 1 - _emitted) : _innerIncrement.PositionIncrement;
                if (_emitted + increment - 1 - _stretchStart >= Stride - 1)
                {
                    Close();
                    continue;
                }

                _first = false;
                ClearAttributes();
                _term.CopyBuffer(_innerTerm.Buffer, 0, _innerTerm.Length);
                _increment.PositionIncrement = increment;
                _offset.SetOffset(_offsetBase + _innerOffset.StartOffset, _offsetBase + _innerOffset.EndOffset);
                _emitted += increment;
                return true;
            }

            if (_open)
            {
                Close();
            }

            if (_value >= _values.Count)
            {
                return false;
            }

            Open(_value++);
        }
    }

    public override void Reset()
    {
        base.Reset();
        if (_open)
        {
            Close();
        }

        _value = 0;
        _emitted = 0;
        _offsetBase = 0;
    }

    public override void End()
    {
        base.End();
        _offset.SetOffset(_offsetBase, _offsetBase);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _open)
        {
            Close();
        }

        base.Dispose(disposing);
    }

    private void Open(int value)
    {
        _source.SetReader(new StringReader(_values[value] ?? string.Empty));
        _chain.Reset();
        _open = true;
        _first = true;
        _stretchStart = Math.Min(value, MaxAttachments - 1) * Stride;
    }

    private void Close()
    {
        _chain.End();
        _chain.Dispose();
        _open = false;
        _offsetBase += (_values[_value - 1]?.Length ?? 0) + 1;
    }
}
