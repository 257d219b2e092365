using System.Net.Sockets;

namespace AppProtocol.Tests.Client;

/// <summary>
/// One direction of a <see cref="ProxyLink"/>: reads what one side sends and forwards it to the other, unless the test
/// scripted otherwise: re-chunk it (<see cref="ChunkSize"/>), stall it, cut it after some bytes (<see cref="CutAfter"/>),
/// or hold the source's end of stream until the other direction carries more bytes (<see cref="HoldEndOfStream"/>).
/// </summary>
/// <remarks>Settings take effect from the next bytes read; set them in the proxy's script to apply from the first.</remarks>
internal sealed class ProxyPipe
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _resumed = Open();
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _forwarded;
    private long _cutAt = long.MaxValue;

    // What the opposite direction had forwarded when this one began forwarding its latest bytes: the receiver's answer
    // to those bytes comes after it.
    private long _oppositeBeforeLast;
    private ProxyFault _fault;
    private bool _ended;

    /// <summary>Forward at most this many bytes per send (1 sends each byte on its own).</summary>
    public int ChunkSize { get; set; } = 64 * 1024;

    /// <summary>When the source ends its stream, forward the FIN only once the opposite direction has forwarded bytes sent
    /// after the last bytes forwarded here (or ended): the window in which a client reuses a connection whose server
    /// already closed it. Bytes the receiver sent before it had the last ones do not count.</summary>
    public bool HoldEndOfStream { get; set; }

    /// <summary>The bytes forwarded so far.</summary>
    public long Forwarded
    {
        get
        {
            lock (_lock)
            {
                return _forwarded;
            }
        }
    }

    internal ProxyPipe? Opposite { get; set; }

    /// <summary>Stops reading the source (its sends back up once the kernel buffers fill) until <see cref="Resume"/>.</summary>
    public void Stall()
    {
        lock (_lock)
        {
            if (_resumed.Task.IsCompleted)
            {
                _resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Reads and forwards again.</summary>
    public void Resume()
    {
        lock (_lock)
        {
            _resumed.TrySetResult();
        }
    }

    /// <summary>Forwards <paramref name="moreBytes"/> more bytes, then applies <paramref name="fault"/>.</summary>
    public void CutAfter(long moreBytes, ProxyFault fault)
    {
        lock (_lock)
        {
            _cutAt = _forwarded + moreBytes;
            _fault = fault;
        }
    }

    /// <summary>Completes once more than <paramref name="bytes"/> bytes were forwarded, or the direction ended (no time limit).</summary>
    public async Task WaitForwardedBeyondAsync(long bytes)
    {
        while (true)
        {
            Task progress;
            lock (_lock)
            {
                if (_forwarded > bytes || _ended)
                {
                    return;
                }

                progress = _progress.Task;
            }

            await progress;
        }
    }

    /// <summary>Forwards from <paramref name="source"/> to <paramref name="destination"/> until the source ends or a fault ends the link.</summary>
    internal async Task PumpAsync(Socket source, Socket destination, ProxyLink link)
    {
        var buffer = new byte[64 * 1024];
        bool cut = false;
        try
        {
            while (true)
            {
                Task resumed;
                lock (_lock)
                {
                    resumed = _resumed.Task;
                }

                await resumed;
                int read = await source.ReceiveAsync(buffer);
                if (read == 0)
                {
                    await EndAsync(destination, cut);
                    return;
                }

                if (!cut)
                {
                    cut = await ForwardAsync(buffer.AsMemory(0, read), destination, link);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // One side failed or was reset: a transparent proxy passes the reset on.
            link.Reset();
        }
        finally
        {
            MarkEnded();
        }
    }

    /// <summary>Forwards one read, up to the cut; returns whether the cut was reached (nothing is forwarded after it).</summary>
    private async Task<bool> ForwardAsync(ReadOnlyMemory<byte> bytes, Socket destination, ProxyLink link)
    {
        long allowed;
        ProxyFault fault;
        long opposite = Opposite?.Forwarded ?? 0;
        lock (_lock)
        {
            allowed = Math.Min(bytes.Length, _cutAt - _forwarded);
            fault = _fault;
            _oppositeBeforeLast = opposite;
        }

        for (int sent = 0; sent < allowed;)
        {
            int piece = (int)Math.Min(ChunkSize, allowed - sent);
            await destination.SendAsync(bytes.Slice(sent, piece));
            sent += piece;
            Progress(piece);
        }

        lock (_lock)
        {
            if (_forwarded < _cutAt)
            {
                return false;
            }
        }

        if (fault == ProxyFault.Reset)
        {
            link.Reset();
        }
        else if (fault == ProxyFault.HalfClose)
        {
            destination.Shutdown(SocketShutdown.Send);
        }

        return true;
    }

    private async Task EndAsync(Socket destination, bool cut)
    {
        if (HoldEndOfStream && Opposite is { } opposite)
        {
            long before;
            lock (_lock)
            {
                before = _oppositeBeforeLast;
            }

            await opposite.WaitForwardedBeyondAsync(before);
        }

        if (!cut)
        {
            destination.Shutdown(SocketShutdown.Send);
        }
    }

    private void Progress(int bytes)
    {
        TaskCompletionSource progressed;
        lock (_lock)
        {
            _forwarded += bytes;
            progressed = _progress;
            _progress = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        progressed.SetResult();
    }

    private void MarkEnded()
    {
        lock (_lock)
        {
            _ended = true;
            _progress.TrySetResult();
            _resumed.TrySetResult();
        }
    }

    private static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }
}
