using System.Globalization;
using System.Text;

namespace Vault.TestSupport;

/// <summary>PDF files written by hand (ISO 32000-1 §7.5: header, objects, cross-reference table, trailer), one line of text per page.</summary>
public static class PdfFiles
{
    public static byte[] WithPages(IReadOnlyList<string> pages) => Write(pages, encrypt: null);

    public static byte[] WithText(string text) => WithPages([text]);

    /// <summary>
    /// A PDF under the standard security handler (revision 2) whose /U entry matches no user password, so no reader can
    /// open it without one (§7.6.3.4).
    /// </summary>
    public static byte[] Encrypted() => Write(["secret contents"], "<< /Filter /Standard /V 1 /R 2 /O <" + new string('a', 64) + "> /U <" + new string('b', 64) + "> /P -4 >>");

    private static byte[] Write(IReadOnlyList<string> pages, string? encrypt)
    {
        // 1 catalog, 2 page tree, 3 font, then a page and its content stream per page, then the encryption dictionary.
        var objects = new List<string> { "<< /Type /Catalog /Pages 2 0 R >>", string.Empty, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>" };
        var kids = new StringBuilder();
        foreach (var text in pages)
        {
            var page = objects.Count + 1;
            var content = $"BT /F1 12 Tf 72 712 Td ({Escape(text)}) Tj ET";
            objects.Add($"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {page + 1} 0 R /Resources << /Font << /F1 3 0 R >> >> >>");
            objects.Add($"<< /Length {content.Length} >>\nstream\n{content}\nendstream");
            kids.Append(CultureInfo.InvariantCulture, $"{page} 0 R ");
        }

        objects[1] = $"<< /Type /Pages /Kids [{kids}] /Count {pages.Count} >>";
        if (encrypt is not null)
        {
            objects.Add(encrypt);
        }

        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Count; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = pdf.Length;
        pdf.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }

        var encryption = encrypt is null ? string.Empty : $" /Encrypt {objects.Count} 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>]";
        pdf.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Count + 1} /Root 1 0 R{encryption} >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }

    private static string Escape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("(", "\\(", StringComparison.Ordinal).Replace(")", "\\)", StringComparison.Ordinal);
}
