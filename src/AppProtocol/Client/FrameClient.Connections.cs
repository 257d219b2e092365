namespace AppProtocol.Client;

/// <summary>
/// Which connection a request goes on: while the server keeps connections open, the least loaded of a pool of at
/// most <see cref="FrameClientOptions.MaxConnectionsPerServer"/>, a new one opened when all are busy; else one of its own.
/// </summary>
public sealed partial class FrameClient
{
    // Every connection not yet disposed, for DisposeAsync; closed ones are dropped as new ones open. Guards _disposed.
    private readonly List<FrameConnection> _open = [];

    private readonly SemaphoreSlim _connectLock = new(1, 1);

    // The connections requests share, replaced whole (copy on write) so callers read it without a lock.
    private FrameConnection[] _pool = [];

    // Connections being opened for the pool, counted against the limit. Guarded by _open.
    private int _connecting;
    private bool _disposed;

    private ValueTask<FrameConnection> GetConnectionAsync(CallTokens tokens)
    {
        if (!_reuse.ReusesConnections)
        {
            return OpenSingleUseAsync(tokens);
        }

        FrameConnection? best = LeastLoaded(out bool enough);
        return enough ? new(best!) : GetPooledAsync(best, tokens);
    }

    private async ValueTask<FrameConnection> OpenSingleUseAsync(CallTokens tokens)
    {
        using CancellationTokenSource? linked = tokens.Link(out CancellationToken either);
        return await OpenAsync(singleUse: true, either).ConfigureAwait(false);
    }

    /// <summary>
    /// The usable connection with the fewest requests outstanding, claimed for the caller; <paramref name="enough"/>
    /// when the caller has it idle to itself, or the pool is full, so that no new connection is wanted.
    /// </summary>
    /// <remarks>Concurrent callers who all found the same connection idle would otherwise share it while the pool
    /// could open more: only the first one's claim finds it idle. A full pool is shared by load, claims aside, so the
    /// callers woken by one read's answers still batch their requests on the connections with the fewest.</remarks>
    private FrameConnection? LeastLoaded(out bool enough)
    {
        while (true)
        {
            FrameConnection[] pool = Volatile.Read(ref _pool);
            FrameConnection? best = null;
            int least = int.MaxValue;
            int open = 0;
            foreach (FrameConnection connection in pool)
            {
                if (connection.TryGetLoad(out int outstanding))
                {
                    open++;
                    if (outstanding < least)
                    {
                        (best, least) = (connection, outstanding);
                    }
                }
            }

            if (best is null)
            {
                enough = false;
                return null;
            }

            // An idle connection may have been closed by the server meanwhile (IsUsable then retires it): look again.
            if (!best.IsUsable())
            {
                continue;
            }

            bool idle = least == 0 && best.TryClaim(idleOnly: true);
            if (idle || best.TryClaim(idleOnly: false))
            {
                enough = idle || open >= _options.MaxConnectionsPerServer;
                return best;
            }
        }
    }

    /// <summary>
    /// Opens a connection for the pool when the limit allows, counting those being opened, so concurrent callers who
    /// find every connection busy open theirs side by side; at the limit, shares the least loaded.
    /// </summary>
    private async ValueTask<FrameConnection> GetPooledAsync(FrameConnection? best, CallTokens tokens)
    {
        using CancellationTokenSource? linked = tokens.Link(out CancellationToken cancellationToken);
        if (best is null)
        {
            return await GetFirstAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!TryReserveConnection())
        {
            return best;
        }

        // The claim on the busy connection is kept until the new one is open, to fall back on.
        FrameConnection connection;
        try
        {
            connection = await OpenAsync(singleUse: false, cancellationToken).ConfigureAwait(false);
        }
        catch (FrameClientException)
        {
            // The server takes no more connections now: the open ones carry on.
            EndReservation(null, reserved: true);
            return best;
        }
        catch
        {
            EndReservation(null, reserved: true);
            best.Unclaim();
            throw;
        }

        EndReservation(connection, reserved: true);
        best.Unclaim();
        return connection;
    }

    /// <summary>No connection is usable: one caller at a time opens one, and those waiting behind it share it (claimed,
    /// as every connection returned is).</summary>
    private async ValueTask<FrameConnection> GetFirstAsync(CancellationToken cancellationToken)
    {
        await _connectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (LeastLoaded(out _) is { } opened)
            {
                return opened;
            }

            FrameConnection connection = await OpenAsync(singleUse: false, cancellationToken).ConfigureAwait(false);
            EndReservation(connection, reserved: false);
            return connection;
        }
        finally
        {
            _connectLock.Release();
        }
    }

    /// <summary>Counts a connection about to be opened, if the open ones and those being opened are under the limit.</summary>
    private bool TryReserveConnection()
    {
        lock (_open)
        {
            int open = _pool.Count(static c => c.TryGetLoad(out _));
            if (open + _connecting >= _options.MaxConnectionsPerServer)
            {
                return false;
            }

            _connecting++;
            return true;
        }
    }

    /// <summary>Adds the connection opened (if any) to the pool, dropping retired ones, and ends its reservation.</summary>
    private void EndReservation(FrameConnection? opened, bool reserved)
    {
        lock (_open)
        {
            if (reserved)
            {
                _connecting--;
            }

            if (opened is not null)
            {
                _pool = [.. _pool.Where(static c => c.TryGetLoad(out _)), opened];
            }
        }
    }

    private async ValueTask<FrameConnection> OpenAsync(bool singleUse, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connectTimeout.CancelAfter(_options.ConnectTimeout);
        FrameConnection connection;
        try
        {
            var (socket, stream) = await ClientConnector.ConnectAsync(_options, connectTimeout.Token).ConfigureAwait(false);
            FrameClientLog.Connected(_logger, _options.Describe());
            connection = new FrameConnection(socket, stream, _options, _reuse, singleUse);

            // The caller who opened it sends on it: claimed before the pool can show it idle to others.
            _ = connection.TryClaim(idleOnly: true);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            var timedOut = ClientFailures.CouldNotConnect($"Could not connect to {_options.Describe()} within {ClientFailures.Format(_options.ConnectTimeout)} (FrameClientOptions.ConnectTimeout).", ex);
            FrameClientLog.ConnectFailed(_logger, _options.Describe(), timedOut);
            throw timedOut;
        }
        catch (FrameClientException ex)
        {
            FrameClientLog.ConnectFailed(_logger, _options.Describe(), ex);
            throw;
        }

        lock (_open)
        {
            if (!_disposed)
            {
                _open.RemoveAll(static c => c.IsClosed);
                _open.Add(connection);
                return connection;
            }
        }

        await connection.DisposeAsync().ConfigureAwait(false);
        throw new ObjectDisposedException(nameof(FrameClient));
    }

    private void ThrowIfDisposed()
    {
        lock (_open)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
        }
    }
}
