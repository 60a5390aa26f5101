using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;
using UglyToad.PdfPig.Exceptions;
using Vault.Search.Documents;

namespace Vault.Search.Attachments;

/// <summary>
/// PDF with PdfPig, page by page: the letters in content order with the gaps between words turned into blanks (a plain
/// <c>Page.Text</c> glues words whose spacing is only a position). A PDF that needs a password to open throws
/// <see cref="PdfDocumentEncryptedException"/>; one with only an owner password (print or copy restrictions) is read.
/// </summary>
internal sealed class PdfTextExtractor : IAttachmentTextExtractor
{
    /// <summary>New for each file: PdfPig keeps the passwords it tried in the options object.</summary>
    private static ParsingOptions Options() => new()
    {
        UseLenientParsing = true,
        // A page whose font is missing or broken still gives the text of its other fonts.
        SkipMissingFonts = true,
        ClipPaths = false,
    };

    public void Extract(AttachmentContent attachment, AttachmentTextWriter text, CancellationToken cancellationToken)
    {
        // Every page, font and content stream of a PDF is an indirect object ("1 0 obj", ISO 32000-1 §7.3.10). Bytes
        // without one are not a PDF, however they start; PdfPig would scan them all for objects to rebuild the file from.
        if (attachment.Bytes.AsSpan().IndexOf("obj"u8) < 0)
        {
            throw new AttachmentTextException(AttachmentFailure.Unreadable, "It is not a PDF: it holds no PDF objects.");
        }

        try
        {
            using var document = PdfDocument.Open(attachment.Bytes.AsMemory(), Options());
            for (var number = 1; number <= document.NumberOfPages && !text.IsFull; number++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                text.Append(ContentOrderTextExtractor.GetText(document.GetPage(number)));
                text.Break(TextBreak.Line);
            }
        }
        catch (PdfDocumentEncryptedException)
        {
            throw new AttachmentTextException(AttachmentFailure.Encrypted, "The PDF is protected by a password.");
        }
    }
}
