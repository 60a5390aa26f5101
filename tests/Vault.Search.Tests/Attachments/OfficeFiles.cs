using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using A = DocumentFormat.OpenXml.Drawing;
using P = DocumentFormat.OpenXml.Presentation;
using S = DocumentFormat.OpenXml.Spreadsheet;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace Vault.Search.Tests.Attachments;

/// <summary>Office Open XML files written with DocumentFormat.OpenXml, and OpenDocument files written as the zip they are.</summary>
internal static class OfficeFiles
{
    public static byte[] Docx(string text)
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            main.Document = new W.Document(new W.Body(
                new W.Paragraph(new W.Run(new W.Text("Contract draft"))),
                // Word splits a word over runs when its formatting changes mid-word; the text joins them again.
                new W.Paragraph(new W.Run(new W.Text("Clause 7: ")), new W.Run(new W.Text(text[..3])), new W.Run(new W.RunProperties(new W.Bold()), new W.Text(text[3..])))));
        }

        return stream.ToArray();
    }

    public static byte[] Xlsx(string text)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new S.Workbook();
            var strings = workbook.AddNewPart<SharedStringTablePart>();
            strings.SharedStringTable = new S.SharedStringTable(new S.SharedStringItem(new S.Text("Amount")), new S.SharedStringItem(new S.Text(text)));
            var sheet = workbook.AddNewPart<WorksheetPart>();
            sheet.Worksheet = new S.Worksheet(new S.SheetData(
                new S.Row(new S.Cell { CellReference = "A1", DataType = S.CellValues.SharedString, CellValue = new S.CellValue(0) }),
                new S.Row(new S.Cell { CellReference = "A2", DataType = S.CellValues.SharedString, CellValue = new S.CellValue(1) }, new S.Cell { CellReference = "B2", CellValue = new S.CellValue(4711) })));
            workbook.Workbook.AppendChild(new S.Sheets(new S.Sheet { Id = workbook.GetIdOfPart(sheet), SheetId = 1, Name = "Invoices" }));
        }

        return stream.ToArray();
    }

    public static byte[] Pptx(string text)
    {
        using var stream = new MemoryStream();
        using (var document = PresentationDocument.Create(stream, PresentationDocumentType.Presentation))
        {
            var presentation = document.AddPresentationPart();
            var slide = presentation.AddNewPart<SlidePart>();
            slide.Slide = new P.Slide(new P.CommonSlideData(new P.ShapeTree(new P.Shape(
                new P.NonVisualShapeProperties(new P.NonVisualDrawingProperties { Id = 2U, Name = "Title" }, new P.NonVisualShapeDrawingProperties(), new P.ApplicationNonVisualDrawingProperties()),
                new P.ShapeProperties(),
                new P.TextBody(new A.BodyProperties(), new A.Paragraph(new A.Run(new A.Text("Roadmap"))), new A.Paragraph(new A.Run(new A.Text(text))))))));
            presentation.Presentation = new P.Presentation(new P.SlideIdList(new P.SlideId { Id = 256U, RelationshipId = presentation.GetIdOfPart(slide) }));
        }

        return stream.ToArray();
    }

    /// <summary>A .docx whose document.xml unpacks to <paramref name="unpackedBytes"/> of markup from a few hundred KB: a zip bomb in miniature.</summary>
    public static byte[] ZipBombDocx(long unpackedBytes)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            Write(zip, "[Content_Types].xml", """<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>""");
            Write(zip, "_rels/.rels", """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>""");
            var entry = zip.CreateEntry("word/document.xml", CompressionLevel.Fastest);
            using var document = entry.Open();
            document.Write("""<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"""u8);
            var paragraphs = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("<w:p><w:r><w:t>boom</w:t></w:r></w:p>", 4096)));
            for (long written = 0; written < unpackedBytes; written += paragraphs.Length)
            {
                document.Write(paragraphs);
            }

            document.Write("</w:body></w:document>"u8);
        }

        return stream.ToArray();
    }

    public static byte[] Odt(string text) => OpenDocument("text",
        $"<office:text><text:h>Minutes</text:h><text:p>Decided:<text:s/>{text}</text:p></office:text>");

    public static byte[] Ods(string text) => OpenDocument("spreadsheet",
        $"<office:spreadsheet><table:table table:name=\"Sheet1\"><table:table-row><table:table-cell><text:p>Code</text:p></table:table-cell><table:table-cell><text:p>{text}</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet>");

    public static byte[] Odp(string text) => OpenDocument("presentation",
        $"<office:presentation><draw:page draw:name=\"page1\"><draw:frame><draw:text-box><text:p>{text}</text:p></draw:text-box></draw:frame></draw:page></office:presentation>");

    /// <summary>ODF 1.2 Part 3: "mimetype" first and stored, then content.xml and the manifest.</summary>
    private static byte[] OpenDocument(string kind, string body)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            var mimeType = $"application/vnd.oasis.opendocument.{kind}";
            Write(zip, "mimetype", mimeType, CompressionLevel.NoCompression);
            Write(zip, "content.xml", $"""<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" office:version="1.2"><office:automatic-styles/><office:body>{body}</office:body></office:document-content>""");
            Write(zip, "META-INF/manifest.xml", $"""<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="{mimeType}"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>""");
        }

        return stream.ToArray();
    }

    private static void Write(ZipArchive zip, string name, string content, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var entry = zip.CreateEntry(name, level).Open();
        entry.Write(Encoding.UTF8.GetBytes(content));
    }
}
