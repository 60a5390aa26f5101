using System.Text;
using Vault.TestSupport;

namespace Vault.Search.Tests.Attachments;

/// <summary>One message per attachment format, each carrying a word that occurs nowhere else (not in the subject or body).</summary>
internal static class AttachmentSamples
{
    public static IReadOnlyList<AttachmentSample> All { get; } =
    [
        new("pdf", "invoice-2024.pdf", "application/pdf", PdfFiles.WithText("Invoice number quetzalpdf 4711"), "quetzalpdf"),
        new("pdf as octet-stream", "scan.pdf", "application/octet-stream", PdfFiles.WithText("Scanned receipt marmosetscan"), "marmosetscan"),
        new("docx", "contract.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", OfficeFiles.Docx("zanderdocx"), "zanderdocx"),
        new("docx without a name", null, "application/octet-stream", OfficeFiles.Docx("sniffedocx"), "sniffedocx", "attachment-0"),
        new("xlsx", "figures.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", OfficeFiles.Xlsx("ocelotxlsx"), "ocelotxlsx"),
        new("pptx", "roadmap.pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", OfficeFiles.Pptx("ibexpptx"), "ibexpptx"),
        new("odt", "minutes.odt", "application/vnd.oasis.opendocument.text", OfficeFiles.Odt("wombatodt"), "wombatodt"),
        new("ods", "codes.ods", "application/vnd.oasis.opendocument.spreadsheet", OfficeFiles.Ods("narwhalods"), "narwhalods"),
        new("odp", "talk.odp", "application/vnd.oasis.opendocument.presentation", OfficeFiles.Odp("tapirodp"), "tapirodp"),
        new("rtf", "clause.rtf", "application/rtf", Encoding.ASCII.GetBytes(
            @"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss Fontyfontrtf;}}{\info{\title infotitlertf}}{\*\generator Riched20;}\f0\pard Clause \'e9t\'e9 jackalrtf\par}"),
            "jackalrtf"),
        new("text in latin-1", "notes.txt", "text/plain; charset=iso-8859-1", Encoding.Latin1.GetBytes("Überweisung an Quokkaüberweisung\n"), "Quokkaüberweisung", Query: "quokkauberweisung"),
        new("csv", "rows.csv", "text/csv", Encoding.UTF8.GetBytes("date,account,code\n2024-01-02,1000,lemurcsv\n"), "lemurcsv"),
        new("html", "page.html", "text/html; charset=utf-8", Encoding.UTF8.GetBytes(
            "<html><head><title>hiddentitlehtml</title></head><body><p>Notes <b>gecko</b>html</p><script>scripthtml()</script></body></html>"), "geckohtml"),
        new("calendar", "invite.ics", "text/calendar; charset=utf-8; method=REQUEST", Encoding.UTF8.GetBytes(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:Planning\r\nLOCATION:Room 4\\, pelican\r\n wing\r\n" +
            "ATTENDEE;CN=\"Jane Roe\";ROLE=REQ-PARTICIPANT:mailto:jane.roe@example.test\r\nDESCRIPTION:Bring the numbers\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"),
            "pelicanwing"),
        new("message/rfc822", null, "message/rfc822", Encoding.UTF8.GetBytes(
            "From: Carl <carl@example.test>\r\nTo: anna@example.test\r\nSubject: Original\r\nDate: Mon, 06 May 2024 07:00:00 +0000\r\n\r\nThe forwarded text mentions capybaraeml.\r\n"),
            "capybaraeml", ShownName: "Original.eml", BodyToo: true),
        new("eml as octet-stream", "saved.eml", "application/octet-stream", Encoding.UTF8.GetBytes(
            "From: Dora <dora@example.test>\r\nTo: anna@example.test\r\nSubject: Saved mail\r\nDate: Mon, 06 May 2024 07:00:00 +0000\r\n\r\nSaved as a file: axolotleml.\r\n"),
            "axolotleml"),
    ];

    /// <summary>
    /// MimeKit 4.18 has no TNEF writer, so the TNEF sample is a winmail.dat from the shared corpus (MimeKit's test data,
    /// two text files inside, one README with the typo "unapck"); null without ../shared.
    /// </summary>
    public static AttachmentSample? Tnef()
    {
        if (SharedFolder.Root is null)
        {
            return null;
        }

        var path = Path.Combine(SharedFolder.Root, "corpus", "mimekit", "tnef-raw", "two-files.tnef");
        return new AttachmentSample("tnef", "winmail.dat", "application/ms-tnef", File.ReadAllBytes(path), "unapck");
    }
}

/// <summary>
/// A format's sample: the attachment, the word inside it (<see cref="Query"/> when typed differently), the name a hit
/// reports, and whether the message's body holds the word too (an attached message's text is read into the body).
/// </summary>
internal sealed record AttachmentSample(
    string Format, string? FileName, string ContentType, byte[] Content, string Word, string? ShownName = null, bool BodyToo = false, string? Query = null)
{
    public string QueryWord => Query ?? Word.ToLowerInvariant();

    public string MatchedName => ShownName ?? FileName!;

    public byte[] Message() => MailWithAttachment.Create($"Sample: {Format}", (FileName, ContentType, Content));
}
