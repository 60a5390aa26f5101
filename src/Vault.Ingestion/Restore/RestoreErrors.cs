using MailKit.Net.Imap;
using Vault.Archive;
using Vault.Archive.Jobs;
using Vault.Archive.Sources;
using Vault.Ingestion.Connections;
using Vault.Ingestion.Errors;

namespace Vault.Ingestion.Restore;

/// <summary>
/// A restore's failures in the words a source's errors use (<see cref="ErrorClassifier"/>), except where the target's
/// side of the story differs from a source's: a full target mailbox, a server that will not store what is appended.
/// </summary>
internal static class RestoreErrors
{
    /// <summary>What a source's hint asks of a person, said of a restore (whose settings cannot be edited: it is started again).</summary>
    private static readonly (string Source, string Restore)[] Wording =
    [
        ("then edit this source with it.", "then start the restore again with it; what is already restored is not appended twice."),
        ("then edit this source.", "then start the restore again with them; what is already restored is not appended twice."),
        ("then resume this source.", "then resume the restore."),
        ("for this source", "for the restore's target"),
    ];

    public static ClassifiedError? Classify(Exception exception, SourceSettings target, ServerTranscript? transcript, CancellationToken cancellationToken) =>
        ForRestore(exception switch
        {
            MailConnectionException failure => failure.Error,
            RestoreRefusedException refused => Refused(refused),
            ArchiveStorageException storage => ErrorClassifier.ClassifyStorageFailure(storage),
            RestoreTargetGoneException gone => new ClassifiedError(ErrorCodes.AuthenticationFailed, gone.Message,
                "Start a new restore to a mailbox given by its server and password, or to a mailbox of an existing connector.", null, false),
            _ when MailConnector.IsConnectionFailure(exception, cancellationToken) => ErrorClassifier.Classify(exception, target, transcript),
            _ => null,
        });

    private static ClassifiedError? ForRestore(ClassifiedError? error)
    {
        if (error is null)
        {
            return null;
        }

        var hint = error.Hint;
        foreach (var (source, restore) in Wording)
        {
            hint = hint.Replace(source, restore, StringComparison.Ordinal);
        }

        return error with { Hint = hint };
    }

    private static ClassifiedError Refused(RestoreRefusedException refused)
    {
        var said = refused.InnerException is ImapCommandException command ? command.ResponseText : null;
        // RFC 5530 §3: [OVERQUOTA] on APPEND is the target's storage quota, not a download allowance as on a source.
        if (said is not null && said.Contains("OVERQUOTA", StringComparison.OrdinalIgnoreCase))
        {
            return new ClassifiedError(ErrorCodes.QuotaExceeded, "The target mailbox is full: the server refuses more mail over its quota.",
                "Free space in the target mailbox or raise its quota, then resume the restore. What is already restored stays and is not appended again.",
                said, false);
        }

        return new ClassifiedError(ErrorCodes.ProtocolError, refused.Message,
            "Check that this account may create folders and append messages (its rights, a read-only or shared mailbox), then resume the restore. " +
            "What is already restored stays and is not appended again.",
            said, false);
    }
}
