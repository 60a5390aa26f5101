using System.IO.Compression;
using System.Xml;
using DocumentFormat.OpenXml.Packaging;
using Vault.Search.Documents;

namespace Vault.Search.Attachments;

/// <summary>
/// Word, Excel and PowerPoint files (Office Open XML, ECMA-376). DocumentFormat.OpenXml finds the parts that hold text
/// (document, headers, footers, notes and comments; shared strings and sheets; slides in order with their notes); each
/// part is then streamed through an <see cref="XmlReader"/> rather than loaded as a DOM. An encrypted file is not a zip
/// but an OLE compound file holding an EncryptionInfo stream (MS-OFFCRYPTO §2.3.4).
/// </summary>
internal sealed class OfficeOpenXmlTextExtractor(AttachmentTextLimits limits) : IAttachmentTextExtractor
{
    private static ReadOnlySpan<byte> CompoundFileSignature => [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

    public void Extract(AttachmentContent attachment, AttachmentTextWriter text, CancellationToken cancellationToken)
    {
        var bytes = attachment.Bytes.AsSpan();
        if (bytes.StartsWith(CompoundFileSignature))
        {
            throw bytes.IndexOf("E\0n\0c\0r\0y\0p\0t\0i\0o\0n\0I\0n\0f\0o\0"u8) >= 0
                ? new AttachmentTextException(AttachmentFailure.Encrypted, "The Office file is protected by a password.")
                : new AttachmentTextException(AttachmentFailure.Unreadable, "It is an older binary Office file, not Office Open XML.");
        }

        ZipPackages.RequireEndRecord(attachment.Bytes);
        using var stream = attachment.OpenRead();
        OfficeKind kind;
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true))
        {
            ZipPackages.Guard(zip, limits);
            kind = Kind(zip, attachment);
        }

        stream.Position = 0;
        var settings = new OpenSettings { AutoSave = false, MaxCharactersInPart = limits.MaxUnpackedBytes };
        var parts = kind switch
        {
            OfficeKind.Spreadsheet => SpreadsheetParts(stream, settings),
            OfficeKind.Presentation => PresentationParts(stream, settings),
            _ => WordParts(stream, settings),
        };
        var buffer = new char[4096];
        foreach (var part in parts)
        {
            if (text.IsFull)
            {
                break;
            }

            using var partStream = part.GetStream(FileMode.Open, FileAccess.Read);
            ReadPart(partStream, text, buffer, cancellationToken);
            text.Break(TextBreak.Line);
        }
    }

    private enum OfficeKind
    {
        Word,
        Spreadsheet,
        Presentation,
    }

    /// <summary>By the folder the package keeps its main part in (what Office writes), the declared type and the name as fallbacks.</summary>
    private static OfficeKind Kind(ZipArchive zip, AttachmentContent attachment)
    {
        foreach (var entry in zip.Entries)
        {
            if (entry.FullName.StartsWith("xl/", StringComparison.Ordinal))
            {
                return OfficeKind.Spreadsheet;
            }

            if (entry.FullName.StartsWith("ppt/", StringComparison.Ordinal))
            {
                return OfficeKind.Presentation;
            }

            if (entry.FullName.StartsWith("word/", StringComparison.Ordinal))
            {
                return OfficeKind.Word;
            }
        }

        var hint = attachment.MimeType + " " + attachment.FileName;
        return hint.Contains("sheet", StringComparison.OrdinalIgnoreCase) || hint.Contains(".xls", StringComparison.OrdinalIgnoreCase) ? OfficeKind.Spreadsheet
            : hint.Contains("presentation", StringComparison.OrdinalIgnoreCase) || hint.Contains(".pp", StringComparison.OrdinalIgnoreCase) ? OfficeKind.Presentation
            : OfficeKind.Word;
    }

    private static IEnumerable<OpenXmlPart> WordParts(Stream stream, OpenSettings settings)
    {
        using var document = WordprocessingDocument.Open(stream, false, settings);
        var main = document.MainDocumentPart;
        if (main is null)
        {
            yield break;
        }

        yield return main;
        foreach (var part in main.HeaderParts.Cast<OpenXmlPart>().Concat(main.FooterParts))
        {
            yield return part;
        }

        foreach (var part in new OpenXmlPart?[] { main.FootnotesPart, main.EndnotesPart, main.WordprocessingCommentsPart })
        {
            if (part is not null)
            {
                yield return part;
            }
        }
    }

    private static IEnumerable<OpenXmlPart> SpreadsheetParts(Stream stream, OpenSettings settings)
    {
        using var document = SpreadsheetDocument.Open(stream, false, settings);
        var workbook = document.WorkbookPart;
        if (workbook is null)
        {
            yield break;
        }

        // Sheet names live in workbook.xml; cell text mostly in the shared string table, numbers and inline strings in the sheets.
        yield return workbook;
        if (workbook.SharedStringTablePart is { } strings)
        {
            yield return strings;
        }

        foreach (var sheet in workbook.WorksheetParts)
        {
            yield return sheet;
        }
    }

    private static IEnumerable<OpenXmlPart> PresentationParts(Stream stream, OpenSettings settings)
    {
        using var document = PresentationDocument.Open(stream, false, settings);
        var presentation = document.PresentationPart;
        if (presentation is null)
        {
            yield break;
        }

        // Slides in the order the presentation shows them (the slide id list), each followed by its speaker notes.
        var ids = presentation.Presentation?.SlideIdList?.Elements<DocumentFormat.OpenXml.Presentation.SlideId>() ?? [];
        foreach (var id in ids)
        {
            if (id.RelationshipId?.Value is { } relationship && presentation.TryGetPartById(relationship, out var part) && part is SlidePart slide)
            {
                yield return slide;
                if (slide.NotesSlidePart is { } notes)
                {
                    yield return notes;
                }
            }
        }
    }

    /// <summary>
    /// Text is the content of <c>t</c> elements in any namespace (w:t, a:t, the sheet's t) and of a cell's value <c>v</c>
    /// unless the cell points into the shared strings (<c>t="s"</c>); paragraphs, rows and breaks end lines, cells and tabs words.
    /// </summary>
    private static void ReadPart(Stream stream, AttachmentTextWriter text, char[] buffer, CancellationToken cancellationToken)
    {
        using var reader = XmlReader.Create(stream, XmlText.Settings);
        var inText = 0;
        var sharedStringCell = false;
        var nodes = 0;
        while (!text.IsFull && reader.Read())
        {
            if (++nodes % XmlText.NodesPerCheck == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    switch (reader.LocalName)
                    {
                        case "t" when !reader.IsEmptyElement:
                            inText++;
                            break;
                        case "v" when !reader.IsEmptyElement && !sharedStringCell:
                            inText++;
                            break;
                        case "c":
                            sharedStringCell = reader.GetAttribute("t") == "s";
                            text.Break(TextBreak.Blank);
                            break;
                        case "tab":
                            text.Break(TextBreak.Blank);
                            break;
                        case "br" or "cr":
                            text.Break(TextBreak.Line);
                            break;
                        case "sheet" when reader.GetAttribute("name") is { } sheetName:
                            text.Append(sheetName);
                            text.Break(TextBreak.Line);
                            break;
                    }

                    break;
                case XmlNodeType.EndElement:
                    switch (reader.LocalName)
                    {
                        case "t":
                            inText = Math.Max(0, inText - 1);
                            break;
                        case "v" when inText > 0:
                            inText--;
                            break;
                        case "p" or "si" or "row":
                            text.Break(TextBreak.Line);
                            break;
                    }

                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace or XmlNodeType.Whitespace when inText > 0:
                    XmlText.AppendValue(reader, text, buffer);
                    break;
            }
        }
    }
}
