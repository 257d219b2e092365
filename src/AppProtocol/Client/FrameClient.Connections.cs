namespace AppProtocol.Client;

/// <summary>Which connection a request goes on: the shared one while the server keeps connections open, else one of its own.</summary>
public sealed partial class FrameClient
{
    private readonly SemaphoreSlim _connectLock = new(1, 1);

    // Every connection not yet disposed, for DisposeAsync; closed ones are dropped as new ones open. Guards _disposed.
    private readonly List<FrameConnection> _open = [];
    private FrameConnection? _shared;
    private bool _disposed;

    private ValueTask<FrameConnection> GetConnectionAsync(CancellationToken cancellationToken)
    {
        if (!_reuse.ReusesConnections)
        {
            return OpenAsync(singleUse: true, cancellationToken);
        }

        return Volatile.Read(ref _shared) is { } shared && shared.IsUsable() ? new(shared) : GetSharedAsync(cancellationToken);
    }

    /// <summary>Replaces the shared connection, which is closed or retired (it finishes what it carries on its own).</summary>
    private async ValueTask<FrameConnection> GetSharedAsync(CancellationToken cancellationToken)
    {
        await _connectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_shared is { } other && other.IsUsable())
            {
                return other;
            }

            FrameConnection connection = await OpenAsync(singleUse: false, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _shared, connection);
            return connection;
        }
        finally
        {
            _connectLock.Release();
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
