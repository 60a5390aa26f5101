using System.Globalization;
using System.Text;
using Vault.Archive.Folders;
using Vault.Archive.Messages;

namespace Vault.Archive.CrashWriter;

/// <summary>
/// The batches the crash writer commits, reproducible from their number alone so the test can check what survived.
/// Batch b holds UIDs b*Size+1 .. (b+1)*Size of INBOX plus a replay of the previous batch's last message, and its
/// checkpoint's watermark is its last UID. Every fifth message is about 1.5 MB, so blobs span several chunks.
/// </summary>
public static class CrashBatches
{
    public const string SourceId = "crash";
    public const string Folder = "INBOX";
    public const int Size = 20;

    public static byte[] Message(long uid)
    {
        var random = new Random((int)uid);
        var length = uid % 5 == 0 ? 1_500_000 : 2_000 + random.Next(30_000);
        var builder = new StringBuilder(length + 200);
        builder.Append(CultureInfo.InvariantCulture, $"From: writer@example.com\r\nSubject: Crash test {uid}\r\nMessage-ID: <{uid}@crash>\r\n\r\n");
        while (builder.Length < length)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{random.Next()} line of message {uid}\r\n");
        }

        return Encoding.ASCII.GetBytes(builder.ToString());
    }

    public static MessageBatch Batch(int number)
    {
        var first = (long)number * Size + 1;
        var uids = Enumerable.Range(0, Size).Select(i => first + i).ToList();
        if (number > 0)
        {
            uids.Insert(0, first - 1);
        }

        var messages = uids.Select(uid =>
        {
            var bytes = Message(uid);
            return new IncomingMessage(new MessageLocation(Folder, 1, uid), MessageContent.FromBytes(bytes), null, [], MessageHeaderSummary.Read(new MemoryStream(bytes)));
        }).ToList();
        return new MessageBatch(SourceId, messages, new FolderSyncState { SourceId = SourceId, Folder = Folder, UidValidity = 1, Watermark = first + Size - 1 });
    }
}
