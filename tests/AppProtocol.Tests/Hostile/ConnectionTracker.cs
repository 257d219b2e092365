using AppProtocol.Server;

namespace AppProtocol.Tests.Hostile;

/// <summary>Counts a server's closed connections through its callback, so a test awaits closes instead of sleeping.</summary>
public sealed class ConnectionTracker
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _opened;
    private int _closed;

    public int Opened => Volatile.Read(ref _opened);

    public int Closed => Volatile.Read(ref _closed);

    /// <summary>Chains onto the options' callbacks.</summary>
    public void Attach(FrameServerOptions options)
    {
        Action<long, System.Net.EndPoint?>? opened = options.ConnectionOpened;
        Action<long, System.Net.EndPoint?>? closed = options.ConnectionClosed;
        options.ConnectionOpened = (id, remote) =>
        {
            opened?.Invoke(id, remote);
            Interlocked.Increment(ref _opened);
        };
        options.ConnectionClosed = (id, remote) =>
        {
            Interlocked.Increment(ref _closed);
            TaskCompletionSource changed;
            lock (_gate)
            {
                changed = _changed;
                _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            changed.SetResult();
            closed?.Invoke(id, remote);
        };
    }

    /// <summary>Waits until at least <paramref name="count"/> connections have closed.</summary>
    public async Task WaitClosedAsync(int count)
    {
        using var patience = new CancellationTokenSource(Patience);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            if (Closed >= count)
            {
                return;
            }

            await changed.WaitAsync(patience.Token);
        }
    }

    /// <summary>
    /// Waits until every opened connection has closed and the server's count is back to zero. The server decrements its
    /// count right after the closed callback returns, so the last step spins briefly rather than sleeps.
    /// </summary>
    public async Task WaitNoneActiveAsync(FrameServer server)
    {
        await WaitClosedAsync(Opened);
        Assert.True(SpinWait.SpinUntil(() => server.ActiveConnections == 0, Patience), $"{server.ActiveConnections} connections still active.");
        Assert.Equal(Opened, Closed);
    }
}
