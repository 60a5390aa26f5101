using System.Text;
using Vault.Search.Documents;

namespace Vault.Search.Attachments;

/// <summary>
/// RTF (Rich Text Format 1.9.1) as plain text: the characters of the document body, with \par, \line, \row and \page as
/// line breaks and \tab and \cell as blanks. Destinations that hold no readable text (font and colour tables, style
/// sheets, pictures, embedded objects, field instructions, document info, and every <c>\*</c> destination) are skipped;
/// \'hh bytes are decoded in the \ansicpg code page, \uN characters replace their \ucN fallback characters.
/// </summary>
internal sealed class RtfTextExtractor : IAttachmentTextExtractor
{
    private const int BytesPerCheck = 64 * 1024;

    private static readonly HashSet<string> SkippedDestinations = new(StringComparer.Ordinal)
    {
        "fonttbl", "colortbl", "stylesheet", "info", "pict", "objdata", "objclass", "themedata", "colorschememapping",
        "datastore", "latentstyles", "xmlnstbl", "listtable", "listoverridetable", "rsidtbl", "generator", "fldinst",
        "filetbl", "revtbl", "pgdsctbl", "protusertbl", "userprops", "docvar", "nonshppict", "mmathPr", "operator", "author",
    };

    public void Extract(AttachmentContent attachment, AttachmentTextWriter text, CancellationToken cancellationToken)
    {
        var rtf = attachment.Bytes.AsSpan();
        if (!rtf.TrimStart(" \t\r\n"u8).StartsWith(@"{\rtf"u8))
        {
            throw new AttachmentTextException(AttachmentFailure.Unreadable, @"It does not start with {\rtf, so it is not RTF.");
        }

        new Reader(text).Run(rtf, cancellationToken);
    }

    private sealed class Reader(AttachmentTextWriter text)
    {
        private readonly Stack<(bool Skip, int FallbackChars)> _groups = new();
        private readonly List<byte> _bytes = [];
        private readonly StringBuilder _chars = new();
        private Encoding _codePage = Encoding.GetEncoding(1252);
        private bool _skip;
        private int _fallbackChars = 1;
        private int _toSkip;

        public void Run(ReadOnlySpan<byte> rtf, CancellationToken cancellationToken)
        {
            var i = 0;
            var nextCheck = BytesPerCheck;
            while (i < rtf.Length && !text.IsFull)
            {
                if (i >= nextCheck)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    nextCheck = i + BytesPerCheck;
                    Flush();
                }

                var b = rtf[i++];
                switch (b)
                {
                    case (byte)'{':
                        _groups.Push((_skip, _fallbackChars));
                        break;
                    case (byte)'}':
                        FlushBytes();
                        (_skip, _fallbackChars) = _groups.Count > 0 ? _groups.Pop() : (false, 1);
                        break;
                    case (byte)'\\':
                        i = Control(rtf, i);
                        break;
                    case (byte)'\r' or (byte)'\n':
                        break;
                    default:
                        Byte(b);
                        break;
                }
            }

            Flush();
        }

        /// <summary>Handles the control word or symbol after a backslash at <paramref name="i"/>; returns where reading goes on.</summary>
        private int Control(ReadOnlySpan<byte> rtf, int i)
        {
            if (i >= rtf.Length)
            {
                return i;
            }

            var first = rtf[i];
            if (!char.IsAsciiLetter((char)first))
            {
                return Symbol(rtf, i);
            }

            var start = i;
            while (i < rtf.Length && char.IsAsciiLetter((char)rtf[i]) && i - start < 32)
            {
                i++;
            }

            var word = Encoding.ASCII.GetString(rtf[start..i]);
            var numberStart = i;
            if (i < rtf.Length && rtf[i] == (byte)'-')
            {
                i++;
            }

            while (i < rtf.Length && char.IsAsciiDigit((char)rtf[i]) && i - numberStart < 10)
            {
                i++;
            }

            int? parameter = i > numberStart && int.TryParse(rtf[numberStart..i], out var value) ? value : null;
            if (i < rtf.Length && rtf[i] == (byte)' ')
            {
                i++;
            }

            if (word == "bin")
            {
                // \binN: N bytes of binary data follow, whatever they look like.
                return Math.Min(rtf.Length, i + Math.Max(0, parameter ?? 0));
            }

            Word(word, parameter);
            return i;
        }

        private int Symbol(ReadOnlySpan<byte> rtf, int i)
        {
            var symbol = rtf[i++];
            switch (symbol)
            {
                case (byte)'\'' when i + 2 <= rtf.Length && byte.TryParse(rtf.Slice(i, 2), System.Globalization.NumberStyles.HexNumber, null, out var hex):
                    Byte(hex);
                    return i + 2;
                case (byte)'*':
                    // Ignorable destination: a reader that does not know it skips the group (spec, "Destinations").
                    _skip = true;
                    break;
                case (byte)'\r' or (byte)'\n':
                    Break(TextBreak.Line);
                    break;
                case (byte)'~':
                    Char(' ');
                    break;
                case (byte)'_':
                    Char('-');
                    break;
                case (byte)'\\' or (byte)'{' or (byte)'}':
                    Byte(symbol);
                    break;
            }

            return i;
        }

        private void Word(string word, int? parameter)
        {
            if (SkippedDestinations.Contains(word))
            {
                _skip = true;
                return;
            }

            switch (word)
            {
                case "ansicpg" when parameter is > 0:
                    try
                    {
                        _codePage = Encoding.GetEncoding(parameter.Value);
                    }
                    catch (ArgumentException)
                    {
                        // An unknown code page: keep windows-1252.
                    }
                    catch (NotSupportedException)
                    {
                        // Likewise.
                    }

                    break;
                case "uc":
                    _fallbackChars = Math.Clamp(parameter ?? 1, 0, 10);
                    break;
                case "u" when parameter is not null:
                    // \uN is a signed 16-bit UTF-16 unit; the next \ucN characters are a fallback for older readers.
                    Char((char)(parameter.Value < 0 ? parameter.Value + 65536 : parameter.Value));
                    _toSkip = _fallbackChars;
                    break;
                case "par" or "line" or "row" or "page" or "sect":
                    Break(TextBreak.Line);
                    break;
                case "tab" or "cell":
                    Break(TextBreak.Blank);
                    break;
                case "emdash":
                    Char('—');
                    break;
                case "endash":
                    Char('–');
                    break;
                case "lquote" or "rquote":
                    Char('\'');
                    break;
                case "ldblquote" or "rdblquote":
                    Char('"');
                    break;
                case "bullet":
                    Char('•');
                    break;
            }
        }

        private void Byte(byte b)
        {
            if (Skipped())
            {
                return;
            }

            _bytes.Add(b);
        }

        private void Char(char c)
        {
            if (Skipped())
            {
                return;
            }

            FlushBytes();
            _chars.Append(c);
        }

        /// <summary>True for text of a skipped destination, and for the fallback characters after a \uN.</summary>
        private bool Skipped()
        {
            if (_skip)
            {
                return true;
            }

            if (_toSkip > 0)
            {
                _toSkip--;
                return true;
            }

            return false;
        }

        private void Break(TextBreak kind)
        {
            if (_skip)
            {
                return;
            }

            Flush();
            text.Break(kind);
        }

        private void FlushBytes()
        {
            if (_bytes.Count > 0)
            {
                _chars.Append(_codePage.GetString(_bytes.ToArray()));
                _bytes.Clear();
            }
        }

        private void Flush()
        {
            FlushBytes();
            if (_chars.Length > 0)
            {
                foreach (var chunk in _chars.GetChunks())
                {
                    text.Append(chunk.Span);
                }

                _chars.Clear();
            }
        }
    }
}
