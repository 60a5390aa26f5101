using System.Globalization;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Util;

namespace Vault.Search.Analysis;

/// <summary>
/// Reads a decimal long and emits what Lucene's NumericTokenStream emits for it: the value prefix-coded at every
/// <see cref="PrecisionStep"/>th shift (<see cref="NumericUtils.Int64ToPrefixCoded(long, int, BytesRef)"/>), so
/// NumericRangeQuery finds it. Prefix-coded bytes are all below 0x80, so as characters they index as the same bytes.
/// </summary>
internal sealed class Int64PrefixTokenizer : Tokenizer
{
    /// <summary>Lucene's default (4), which queries use; an index written with it answers queries of any multiple of it.</summary>
    public const int PrecisionStep = NumericUtils.PRECISION_STEP_DEFAULT;

    private readonly ICharTermAttribute _term;
    private readonly IPositionIncrementAttribute _increment;
    private readonly BytesRef _bytes = new(NumericUtils.BUF_SIZE_INT64);
    private long _value;
    private int _shift = int.MaxValue;

    public Int64PrefixTokenizer(TextReader input)
        : base(input)
    {
        _term = AddAttribute<ICharTermAttribute>();
        _increment = AddAttribute<IPositionIncrementAttribute>();
    }

    public override void Reset()
    {
        base.Reset();
        var text = m_input.ReadToEnd();
        _value = long.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        _shift = 0;
    }

    public override bool IncrementToken()
    {
        if (_shift >= 64)
        {
            return false;
        }

        ClearAttributes();
        NumericUtils.Int64ToPrefixCoded(_value, _shift, _bytes);
        var buffer = _term.ResizeBuffer(_bytes.Length);
        for (var i = 0; i < _bytes.Length; i++)
        {
            buffer[i] = (char)_bytes.Bytes[_bytes.Offset + i];
        }

        _term.Length = _bytes.Length;
        _increment.PositionIncrement = _shift == 0 ? 1 : 0;
        _shift += PrecisionStep;
        return true;
    }

    public override void End()
    {
        base.End();
        _shift = int.MaxValue;
    }
}
