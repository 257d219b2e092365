using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using AppProtocol.Transport.Features;

namespace AppProtocol.Server;

/// <summary>The waits of a connection: for its next frame, and for the client leaving while a handler runs.</summary>
internal sealed partial class FrameServerConnection
{
    // A wait started while an asynchronous handler ran, to notice the client leaving; it becomes the next idle wait.
    private Task? _watch;
    private volatile bool _handlerRunning;

    /// <summary>Enters the wait for the next frame, unless a stop or a timeout came first.</summary>
    private bool StartWaiting()
    {
        Trace(receiving: false);

        // A full fence, pairing with RequestStop's: either this sees the stop, or the stop sees this wait.
        Interlocked.Exchange(ref _waitingIdle, 1);
        if (_drainOver || _timedOut is not null || (_stopRequested && !DrainOrEnd(_settings.Clock.GetTimestamp())))
        {
            Interlocked.Exchange(ref _waitingIdle, 0);
            return false;
        }

        return true;
    }

    /// <summary>Waits for the next frame's first bytes without holding a buffer; the value is meaningless.</summary>
    /// <remarks>The transport's own wait is returned as it is (the socket's task: a pending wait then holds no state of ours).</remarks>
    private ValueTask<int> WaitForDataAsync(PipeReader input) =>
        _wait is { } wait && _watch is null ? wait.WaitForDataAsync() : WaitOtherwiseAsync(input);

    /// <summary>The watch still pending from an asynchronous handler, or, without a transport wait, the pipe.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> WaitOtherwiseAsync(PipeReader input)
    {
        if (_watch is { } watch)
        {
            _watch = null;
            await watch.ConfigureAwait(false);
            return 0;
        }

        // Any pipe: wait for bytes, consume and examine nothing, so the frame reader sees them at once.
        ReadResult waited = await input.ReadAsync().ConfigureAwait(false);
        input.AdvanceTo(waited.Buffer.Start);
        return 0;
    }

    // Ends the wait for the next frame, if the loop is in it (or about to be: it checks the flags after its fence).
    private void EndWait()
    {
        if (Volatile.Read(ref _waitingIdle) == 1)
        {
            if (_wait is { } wait)
            {
                wait.EndWait();
            }
            else
            {
                Volatile.Read(ref _input)?.CancelPendingRead();
            }
        }
    }

    /// <summary>Awaits a handler that went asynchronous, cancelling its token if the client leaves meanwhile.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitWhileWatchingAsync(ValueTask handled, bool nothingBuffered)
    {
        // Running before the watch starts: the client may be gone already, and the watch then ends at once.
        _handlerRunning = true;
        if (_wait is { } wait && nothingBuffered && _watch is null)
        {
            _watch = WatchAsync(wait);
        }

        try
        {
            await handled.ConfigureAwait(false);
        }
        finally
        {
            _handlerRunning = false;
        }
    }

    private async Task WatchAsync(IWaitForDataFeature wait)
    {
        bool lookingAgain = false;
        while (true)
        {
            bool atOnce;
            try
            {
                ValueTask<int> waiting = wait.WaitForDataAsync();
                atOnce = waiting.IsCompleted;
                await waiting.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
            {
                // A reset: the client is gone, as below.
                break;
            }

            if (!_handlerRunning || wait.IsDataAvailable || (lookingAgain && atOnce))
            {
                break;
            }

            // Nothing to read is the end of the stream, or a readiness event already spent by an earlier read (seen on
            // sockets under load, where it cost a waiting client its answer). A second wait tells them apart: at the end
            // of the stream it completes at once; otherwise it waits for real.
            lookingAgain = true;
        }

        if (_handlerRunning && !wait.IsDataAvailable)
        {
            CancelExchange();
        }
    }
}
