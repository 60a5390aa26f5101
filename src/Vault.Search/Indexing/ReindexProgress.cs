namespace Vault.Search.Indexing;

/// <summary>Progress of a full rebuild, written by the indexing worker and read by the API.</summary>
public sealed class ReindexProgress
{
    private readonly Lock _lock = new();
    private ReindexStatus _status = new(false, 0, 0);

    public ReindexStatus Current
    {
        get
        {
            lock (_lock)
            {
                return _status;
            }
        }
    }

    /// <summary>Marks a rebuild as requested; false when one is already running.</summary>
    internal bool TryStart()
    {
        lock (_lock)
        {
            if (_status.Running)
            {
                return false;
            }

            _status = new ReindexStatus(true, 0, 0);
            return true;
        }
    }

    internal void SetTotal(long total)
    {
        lock (_lock)
        {
            _status = _status with { Total = total };
        }
    }

    internal void Add(long indexed)
    {
        lock (_lock)
        {
            _status = _status with { Indexed = _status.Indexed + indexed };
        }
    }

    internal void Finish()
    {
        lock (_lock)
        {
            _status = _status with { Running = false };
        }
    }
}
