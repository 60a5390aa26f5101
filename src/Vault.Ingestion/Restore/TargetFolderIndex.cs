using System.Buffers;
using System.Security.Cryptography;
using MailKit;
using MailKit.Net.Imap;
using MimeKit;

namespace Vault.Ingestion.Restore;

/// <summary>
/// What a target folder already holds, by Message-ID, for the restore's idempotency: a message counts as present when
/// the folder has one with the same Message-ID (or the same size) and the same content, compared by the SHA-256 of what
/// the server serves, exactly or with line ends left out (<see cref="LineEndFreeHash"/>). The folder's Message-IDs and
/// sizes are fetched once when it is opened (one FETCH of <c>RFC822.SIZE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]</c>),
/// not searched message by message: a <c>SEARCH HEADER</c> per message
/// costs a round trip and, on a server without a header index, a scan of the folder each time. A match is claimed, so
/// one message on the target stands for one archived message only.
/// </summary>
internal sealed class TargetFolderIndex
{
    private readonly ImapFolder _folder;
    private readonly Dictionary<string, List<UniqueId>> _byMessageId = new(StringComparer.Ordinal);
    private readonly HashSet<UniqueId> _claimed = [];
    private readonly Dictionary<UniqueId, (string Exact, string LineEndFree)> _served = [];
    private readonly Dictionary<long, List<UniqueId>> _bySize = [];
    private readonly List<UniqueId> _all = [];

    private TargetFolderIndex(ImapFolder folder) => _folder = folder;

    /// <summary>How many messages the folder held when it was opened.</summary>
    public int Count { get; private set; }

    /// <summary>Opens the folder read-only (EXAMINE, RFC 3501 §6.3.2: nothing on the target changes) and reads its Message-IDs.</summary>
    public static async Task<TargetFolderIndex> LoadAsync(ImapFolder folder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(folder);
        await folder.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
        var index = new TargetFolderIndex(folder);
        if (folder.Count == 0)
        {
            return index;
        }

        var request = new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.Size) { Headers = new HeaderSet([HeaderId.MessageId]) };
        foreach (var summary in await folder.FetchAsync(0, -1, request, cancellationToken))
        {
            var key = MessageIdKey.Of(summary.Headers?[HeaderId.MessageId]);
            if (!index._byMessageId.TryGetValue(key, out var list))
            {
                index._byMessageId[key] = list = [];
            }

            list.Add(summary.UniqueId);
            index._all.Add(summary.UniqueId);
            if (summary.Size is { } size)
            {
                if (!index._bySize.TryGetValue(size, out var sized))
                {
                    index._bySize[size] = sized = [];
                }

                sized.Add(summary.UniqueId);
            }
            index.Count++;
        }

        return index;
    }

    /// <summary>The messages of the batch the folder already holds; their matches are claimed.</summary>
    public async Task<HashSet<AppendableMessage>> FindPresentAsync(IReadOnlyList<AppendableMessage> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var present = new HashSet<AppendableMessage>();
        if (_all.Count == 0)
        {
            return present;
        }

        var candidates = batch.ToDictionary(m => m, Candidates);
        await ReadAsync(candidates.Values.SelectMany(c => c), cancellationToken);
        foreach (var (message, uidsOfMessage) in candidates)
        {
            if (Claim(message, uidsOfMessage))
            {
                present.Add(message);
            }
        }

        // A message whose bytes the server may have changed can carry a Message-ID that the server's header parse reads
        // otherwise (bare CR line ends): it is looked for in the whole folder, read once, by its line-end-free hash.
        var fragile = batch.Where(m => m.Fragile && !present.Contains(m)).ToList();
        if (fragile.Count > 0)
        {
            await ReadAsync(_all, cancellationToken);
            foreach (var message in fragile)
            {
                if (Claim(message, _all))
                {
                    present.Add(message);
                }
            }
        }

        return present;
    }

    /// <summary>
    /// Claims the first unclaimed message among <paramref name="uids"/> with the bytes this restore appends, or the stored
    /// bytes (another tool put them there), or either with line ends the server changed (<see cref="LineEndFreeHash"/>).
    /// </summary>
    private bool Claim(AppendableMessage message, IEnumerable<UniqueId> uids)
    {
        var match = uids.FirstOrDefault(uid => !_claimed.Contains(uid) && _served.TryGetValue(uid, out var sha)
            && (sha.Exact == message.Sha256 || sha.Exact == message.Stored.Sha256 || sha.LineEndFree == message.LineEndFreeSha256));
        return match.IsValid && _claimed.Add(match);
    }

    /// <summary>Reads and hashes what is not read yet: each target message once per folder pass, however many batches ask.</summary>
    private async Task ReadAsync(IEnumerable<UniqueId> uids, CancellationToken cancellationToken)
    {
        var unread = uids.Where(uid => !_served.ContainsKey(uid)).Distinct().ToList();
        if (unread.Count > 0)
        {
            await _folder.GetStreamsAsync(unread, async (_, _, uid, stream, token) =>
            {
                _served[uid] = await HashAsync(stream, token);
            }, cancellationToken);
        }
    }

    /// <summary>Both hashes in one read of what the server serves.</summary>
    private static async Task<(string Exact, string LineEndFree)> HashAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var exact = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var loose = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(0, 81920), cancellationToken)) > 0)
            {
                exact.AppendData(buffer, 0, read);
                LineEndFreeHash.Append(loose, buffer.AsSpan(0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return (Convert.ToHexStringLower(exact.GetHashAndReset()), Convert.ToHexStringLower(loose.GetHashAndReset()));
    }

    /// <summary>
    /// The target messages with the same Message-ID, and those of exactly the appended size: the archive and the server
    /// do not always read a Message-ID alike (a message that starts with an mbox <c>From </c> line has none for MimeKit),
    /// and RFC822.SIZE is exact (RFC 3501 §2.3.4), so a copy of the same bytes is among those.
    /// </summary>
    private List<UniqueId> Candidates(AppendableMessage message)
    {
        var candidates = new List<UniqueId>();
        // Messages without a Message-ID are found by size alone: all of them of a folder could be many.
        if (message.MessageId.Length > 0 && _byMessageId.TryGetValue(message.MessageId, out var listed))
        {
            candidates.AddRange(listed);
        }

        if (_bySize.TryGetValue(message.Length, out var sized))
        {
            candidates.AddRange(sized);
        }

        if (message.Length != message.Stored.Size && _bySize.TryGetValue(message.Stored.Size, out var storedSize))
        {
            candidates.AddRange(storedSize);
        }

        return candidates.Where(uid => !_claimed.Contains(uid)).Distinct().ToList();
    }
}
