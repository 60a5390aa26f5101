using System.IO.Compression;
using System.Xml;
using Vault.Search.Documents;

namespace Vault.Search.Attachments;

/// <summary>
/// OpenDocument text, spreadsheets and presentations (ODF 1.2): a zip whose content.xml holds the document body, read
/// with an <see cref="XmlReader"/>. A password-protected file lists encryption data for content.xml in
/// META-INF/manifest.xml (ODF 1.2 Part 3 §4.8).
/// </summary>
internal sealed class OpenDocumentTextExtractor(AttachmentTextLimits limits) : IAttachmentTextExtractor
{
    private const string TextNamespace = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";
    private const string OfficeNamespace = "urn:oasis:names:tc:opendocument:xmlns:office:1.0";
    private const string TableNamespace = "urn:oasis:names:tc:opendocument:xmlns:table:1.0";

    public void Extract(AttachmentContent attachment, AttachmentTextWriter text, CancellationToken cancellationToken)
    {
        ZipPackages.RequireEndRecord(attachment.Bytes);
        using var zip = new ZipArchive(attachment.OpenRead(), ZipArchiveMode.Read);
        ZipPackages.Guard(zip, limits);
        if (IsEncrypted(zip))
        {
            throw new AttachmentTextException(AttachmentFailure.Encrypted, "The OpenDocument file is protected by a password.");
        }

        var content = zip.GetEntry("content.xml") ?? throw new AttachmentTextException(AttachmentFailure.Unreadable, "It has no content.xml, so it is not an OpenDocument file.");
        using var stream = content.Open();
        ReadContent(stream, text, cancellationToken);
    }

    private static bool IsEncrypted(ZipArchive zip)
    {
        if (zip.GetEntry("META-INF/manifest.xml") is not { } manifest)
        {
            return false;
        }

        using var stream = manifest.Open();
        using var reader = XmlReader.Create(stream, XmlText.Settings);
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "encryption-data")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Every text node inside office:body, except deleted text kept for change tracking; paragraphs, headings and rows end lines.</summary>
    private static void ReadContent(Stream stream, AttachmentTextWriter text, CancellationToken cancellationToken)
    {
        using var reader = XmlReader.Create(stream, XmlText.Settings);
        var buffer = new char[4096];
        var inBody = false;
        var skipDepth = -1;
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
                    if (reader.LocalName == "body" && reader.NamespaceURI == OfficeNamespace)
                    {
                        inBody = true;
                    }
                    else if (skipDepth < 0 && reader.LocalName == "tracked-changes" && reader.NamespaceURI == TextNamespace && !reader.IsEmptyElement)
                    {
                        skipDepth = reader.Depth;
                    }
                    else if (reader.NamespaceURI == TextNamespace)
                    {
                        // text:s is one or more spaces, text:tab a tab, text:line-break a line break (ODF 1.2 §6.1.2-6.1.5).
                        text.Break(reader.LocalName switch
                        {
                            "line-break" => TextBreak.Line,
                            "s" or "tab" => TextBreak.Blank,
                            _ => TextBreak.None,
                        });
                    }
                    else if (reader.NamespaceURI == TableNamespace && reader.LocalName == "table-cell")
                    {
                        text.Break(TextBreak.Blank);
                    }

                    break;
                case XmlNodeType.EndElement:
                    if (skipDepth >= 0 && reader.Depth == skipDepth)
                    {
                        skipDepth = -1;
                    }
                    else if ((reader.NamespaceURI == TextNamespace && reader.LocalName is "p" or "h")
                        || (reader.NamespaceURI == TableNamespace && reader.LocalName == "table-row"))
                    {
                        text.Break(TextBreak.Line);
                    }

                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace when inBody && skipDepth < 0:
                    XmlText.AppendValue(reader, text, buffer);
                    break;
            }
        }
    }
}
