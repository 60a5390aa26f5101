using System.Text;
using Vault.Archive.Folders;
using Vault.Archive.Messages;

namespace Vault.Archive.Tests;

/// <summary>Small messages and batches the contract tests write.</summary>
internal static class TestMessages
{
    public static byte[] Mail(int n, DateTimeOffset? date = null) => Encoding.ASCII.GetBytes(
        $"From: Sender {n} <sender{n}@example.com>\r\nTo: archive@example.com\r\nSubject: Message {n}\r\n" +
        $"Date: {(date ?? new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(n)).ToString("r", System.Globalization.CultureInfo.InvariantCulture)}\r\n" +
        $"Message-ID: <m{n}@example.com>\r\n\r\nBody of message {n}.\r\n");

    public static IncomingMessage Incoming(byte[] bytes, string folder = "INBOX", long uidValidity = 1, long uid = 1, IReadOnlyList<string>? flags = null) =>
        Incoming(MessageContent.FromBytes(bytes), MessageHeaderSummary.Read(new MemoryStream(bytes)), folder, uidValidity, uid, flags);

    public static IncomingMessage Incoming(MessageContent content, MessageHeaderSummary headers, string folder, long uidValidity, long uid, IReadOnlyList<string>? flags = null) =>
        new(new MessageLocation(folder, uidValidity, uid), content, new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero), flags ?? [], headers);

    public static FolderSyncState Checkpoint(string sourceId, string folder, long watermark, long uidValidity = 1) => new()
    {
        SourceId = sourceId,
        Folder = folder,
        UidValidity = uidValidity,
        Watermark = watermark,
        UidNext = watermark + 1,
    };

    /// <summary>Messages numbered <paramref name="first"/>.. at UIDs equal to their numbers, with the checkpoint covering them.</summary>
    public static MessageBatch Batch(string sourceId, int first, int count, string folder = "INBOX") =>
        new(sourceId,
            Enumerable.Range(first, count).Select(n => Incoming(Mail(n), folder, 1, n)).ToList(),
            Checkpoint(sourceId, folder, first + count - 1));
}
