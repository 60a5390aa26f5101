using System.Buffers;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;

namespace Vault.Search.Analysis;

/// <summary>
/// Lucene's <see cref="StandardTokenizer"/> (UAX #29 word boundaries; a word longer than <see cref="MaxTokenLength"/> is
/// left out and counted in the next word's position increment) with a fast path: ASCII text is cut into words here, by
/// UAX #29's rules as they apply to ASCII; a stretch with any other character goes to Lucene's own scanner. Either way
/// the words, offsets, position increments and types are exactly StandardTokenizer's (<c>MailTokenizerTests</c> compares
/// them on random text and on every text part of the corpus), so an index written before this class is read the same.
/// The profile of the index writer put a sixth of its time in StandardTokenizer's JFlex scanner (README, Benchmark).
/// </summary>
internal sealed class MailTokenizer : Tokenizer
{
    public const int MaxTokenLength = 128;

    private const int InitialBuffer = 2048;
    private const int MaxKeptBuffer = 64 * 1024;

    private static readonly string WordType = StandardTokenizer.TOKEN_TYPES[StandardTokenizer.ALPHANUM];
    private static readonly string NumberType = StandardTokenizer.TOKEN_TYPES[StandardTokenizer.NUM];

    /// <summary>The UAX #29 word-break class of each ASCII character (Unicode 6.3, as Lucene 4.8's scanner).</summary>
    private static readonly Kind[] Kinds = CreateKinds();

    private static readonly SearchValues<char> Spaces = SearchValues.Create(" \t\n\r\f\v");

    private readonly ICharTermAttribute _term;
    private readonly IOffsetAttribute _offset;
    private readonly IPositionIncrementAttribute _position;
    private readonly ITypeAttribute _type;
    private readonly CharArrayReader _reader = new();

    /// <summary>Lucene's scanner, made at the first non-ASCII stretch (it allocates a buffer of its own).</summary>
    private StandardTokenizerImpl? _scanner;
    /// <summary>
    /// A window on the text: it is read a buffer at a time, and cut up to the last space read (no word spans a space);
    /// what follows it moves to the front for the next read. It grows only for a stretch without a space that does not fit.
    /// </summary>
    private char[] _text = new char[InitialBuffer];
    private int _length;
    private int _limit;
    private bool _exhausted;

    /// <summary>The offset in the whole text of the window's first character.</summary>
    private int _base;

    /// <summary>Where the ASCII scan goes on, and where its stretch of text ends (the next non-ASCII stretch, or the limit).</summary>
    private int _next;
    private int _asciiEnd;

    /// <summary>A stretch between two spaces that holds non-ASCII characters, cut by Lucene's scanner (when scanning).</summary>
    private bool _scanning;
    private int _stretchStart;
    private int _stretchEnd;

    /// <summary>Words left out for their length since the last word given.</summary>
    private int _skipped;

    public MailTokenizer(TextReader input)
        : base(input)
    {
        _term = AddAttribute<ICharTermAttribute>();
        _offset = AddAttribute<IOffsetAttribute>();
        _position = AddAttribute<IPositionIncrementAttribute>();
        _type = AddAttribute<ITypeAttribute>();
    }

    private enum Kind : byte
    {
        Other,
        Letter,
        Digit,

        /// <summary>ExtendNumLet: '_' joins words and numbers on either side and may lead or trail a word.</summary>
        Connector,

        /// <summary>MidLetter: ':' joins two letters.</summary>
        MidLetter,

        /// <summary>MidNum: ',' and ';' join two digits.</summary>
        MidNumber,

        /// <summary>MidNumLet and Single_Quote: '.' and '\'' join two letters or two digits.</summary>
        MidBoth,
    }

    /// <summary>
    /// ASCII stretches are cut here; a stretch with another character, from the space before it to the space after it, goes
    /// to Lucene's scanner. No word spans a space and the scanner starts afresh after one, so both cut as one scanner would.
    /// </summary>
    public override bool IncrementToken()
    {
        ClearAttributes();
        _skipped = 0;
        while (true)
        {
            if (_scanning)
            {
                if (NextScannedWord())
                {
                    return true;
                }

                _scanning = false;
                _next = _stretchEnd;
                FindStretch(_stretchEnd);
            }

            if (NextAsciiWord())
            {
                return true;
            }

            if (_asciiEnd < _limit)
            {
                _reader.Reset(_text, _stretchStart, _stretchEnd - _stretchStart);
                _scanner ??= new StandardTokenizerImpl(_reader);
                _scanner.YyReset(_reader);
                _scanning = true;
            }
            else if (!Refill())
            {
                return false;
            }
        }
    }

    public override void End()
    {
        base.End();
        var end = CorrectOffset(_base + _length);
        _offset.SetOffset(end, end);
        _position.PositionIncrement += _skipped;
    }

    public override void Reset()
    {
        base.Reset();
        if (_text.Length > MaxKeptBuffer)
        {
            _text = new char[InitialBuffer];
        }

        _base = _length = _limit = _next = _asciiEnd = _skipped = 0;
        _exhausted = _scanning = false;
    }

    /// <summary>Moves what is left after the limit to the front and reads on, up to the last space. False at the end.</summary>
    private bool Refill()
    {
        if (_exhausted)
        {
            return false;
        }

        var left = _length - _limit;
        Array.Copy(_text, _limit, _text, 0, left);
        _base += _limit;
        _length = left;
        while (true)
        {
            var read = m_input.Read(_text, _length, _text.Length - _length);
            if (read <= 0)
            {
                _exhausted = true;
                _limit = _length;
                break;
            }

            _length += read;
            if (_length < _text.Length)
            {
                continue;
            }

            var space = _text.AsSpan(0, _length).LastIndexOfAny(Spaces);
            if (space >= 0)
            {
                _limit = space + 1;
                break;
            }

            Array.Resize(ref _text, _text.Length * 2);
        }

        _next = 0;
        FindStretch(0);
        return true;
    }

    /// <summary>The next stretch with a non-ASCII character from <paramref name="from"/>: ASCII up to it, the scanner's after.</summary>
    private void FindStretch(int from)
    {
        var other = _text.AsSpan(from, _limit - from).IndexOfAnyExceptInRange('\0', '\x7f');
        if (other < 0)
        {
            _asciiEnd = _limit;
            return;
        }

        other += from;
        _stretchStart = from + _text.AsSpan(from, other - from).LastIndexOfAny(Spaces) + 1;
        var after = _text.AsSpan(other, _limit - other).IndexOfAny(Spaces);
        _stretchEnd = after < 0 ? _limit : other + after;
        _asciiEnd = _stretchStart;
    }

    /// <summary>StandardTokenizer.IncrementToken, word for word, with offsets from the stretch's start.</summary>
    private bool NextScannedWord()
    {
        while (true)
        {
            var scanner = _scanner!;
            var tokenType = scanner.GetNextToken();
            if (tokenType == StandardTokenizerImpl.YYEOF)
            {
                return false;
            }

            if (scanner.YyLength <= MaxTokenLength)
            {
                _position.PositionIncrement = _skipped + 1;
                scanner.GetText(_term);
                var start = _base + _stretchStart + scanner.YyChar;
                _offset.SetOffset(CorrectOffset(start), CorrectOffset(start + _term.Length));
                _type.Type = StandardTokenizer.TOKEN_TYPES[tokenType];
                return true;
            }

            _skipped++;
        }
    }

    private bool NextAsciiWord()
    {
        var text = _text;
        var end = _asciiEnd;
        var i = _next;
        while (i < end)
        {
            var start = i;
            var kind = Kinds[text[i]];
            if (kind == Kind.Connector)
            {
                // Leading '_' belong to a word only when a letter or digit follows them.
                while (i < end && text[i] == '_')
                {
                    i++;
                }

                if (i == end || Kinds[text[i]] is not (Kind.Letter or Kind.Digit))
                {
                    continue;
                }
            }
            else if (kind is not (Kind.Letter or Kind.Digit))
            {
                i++;
                continue;
            }

            var letters = false;
            while (i < end)
            {
                kind = Kinds[text[i]];
                if (kind is Kind.Letter or Kind.Digit)
                {
                    letters |= kind == Kind.Letter;
                    i++;
                }
                else if (kind == Kind.Connector)
                {
                    while (i < end && text[i] == '_')
                    {
                        i++;
                    }

                    if (i == end || Kinds[text[i]] is not (Kind.Letter or Kind.Digit))
                    {
                        break;
                    }
                }
                else if (i + 1 < end && Joins(Kinds[text[i - 1]], kind, Kinds[text[i + 1]]))
                {
                    i++;
                }
                else
                {
                    break;
                }
            }

            _next = i;
            if (i - start > MaxTokenLength)
            {
                _skipped++;
                continue;
            }

            _position.PositionIncrement = _skipped + 1;
            _term.CopyBuffer(text, start, i - start);
            _offset.SetOffset(CorrectOffset(_base + start), CorrectOffset(_base + i));
            _type.Type = letters ? WordType : NumberType;
            return true;
        }

        _next = end;
        return false;
    }

    /// <summary>WB6/WB7 (letter, MidLetter or MidNumLet, letter) and WB11/WB12 (digit, MidNum or MidNumLet, digit).</summary>
    private static bool Joins(Kind before, Kind middle, Kind after) =>
        (before == Kind.Letter && after == Kind.Letter && middle is Kind.MidLetter or Kind.MidBoth)
        || (before == Kind.Digit && after == Kind.Digit && middle is Kind.MidNumber or Kind.MidBoth);

    private static Kind[] CreateKinds()
    {
        var kinds = new Kind[128];
        for (var c = 'a'; c <= 'z'; c++)
        {
            kinds[c] = Kind.Letter;
            kinds[char.ToUpperInvariant(c)] = Kind.Letter;
        }

        for (var c = '0'; c <= '9'; c++)
        {
            kinds[c] = Kind.Digit;
        }

        kinds['_'] = Kind.Connector;
        kinds[':'] = Kind.MidLetter;
        kinds[','] = Kind.MidNumber;
        kinds[';'] = Kind.MidNumber;
        kinds['.'] = Kind.MidBoth;
        kinds['\''] = Kind.MidBoth;
        return kinds;
    }

    /// <summary>The text already read, handed to Lucene's scanner without another copy.</summary>
    private sealed class CharArrayReader : TextReader
    {
        private char[] _buffer = [];
        private int _length;
        private int _position;

        public void Reset(char[] buffer, int start, int length)
        {
            _buffer = buffer;
            _length = start + length;
            _position = start;
        }

        public override int Peek() => _position < _length ? _buffer[_position] : -1;

        public override int Read() => _position < _length ? _buffer[_position++] : -1;

        public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

        public override int Read(Span<char> buffer)
        {
            var count = Math.Min(buffer.Length, _length - _position);
            _buffer.AsSpan(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }
    }
}
