using System.Text;
using MimeKit;

namespace Vault.Archive.Messages;

/// <summary>
/// The MimeKit parser options every reader of raw mail uses: the header summary the sync engine stores, the indexer,
/// export and restore. Made once and never changed. Making them registers .NET's code-page encodings first: without
/// them MimeKit cannot decode windows-1252, koi8-r or Shift_JIS text, which old mail declares everywhere, and falls
/// back to Latin-1 (a "€" or "–" in a windows-1252 subject becomes a control character). Raw 8-bit headers (RFC 6532,
/// or just broken) are read as UTF-8 first; MimeKit falls back to ISO-8859-1 per header.
/// </summary>
public static class MimeParsing
{
    public static ParserOptions Options { get; } = Create();

    private static ParserOptions Create()
    {
        // Registering twice is harmless.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var options = ParserOptions.Default.Clone();
        options.CharsetEncoding = Encoding.UTF8;
        return options;
    }
}
