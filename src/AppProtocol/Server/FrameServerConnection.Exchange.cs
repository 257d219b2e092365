using System.Runtime.CompilerServices;
using AppProtocol.Diagnostics;
using AppProtocol.Framing;

namespace AppProtocol.Server;

/// <summary>A connection's exchanges: the handler call, its token, and the trace events.</summary>
internal sealed partial class FrameServerConnection
{
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> HandleAsync(FrameExchange exchange, Frame request, bool nothingBuffered, System.IO.Pipelines.PipeReader? streamedFrom = null)
    {
        exchange.Begin(request, ExchangeToken(), _settings.CloseAfterResponse || _stopRequested, streamedFrom);
        try
        {
            ValueTask handled = _settings.Pipeline(exchange, exchange.Aborted);
            if (!handled.IsCompleted)
            {
                await AwaitWhileWatchingAsync(handled, nothingBuffered).ConfigureAwait(false);
            }
            else
            {
                await handled.ConfigureAwait(false);
            }
        }
        finally
        {
            exchange.End();
        }

        if (exchange.ResponseBroken)
        {
            // Part of a frame is on the wire: only a reset tells the client it is not the whole answer.
            Abort("The response's content did not match its content-length.");
            return true;
        }

        return exchange.CloseRequested;
    }

    private void CancelExchange()
    {
        CancellationTokenSource? aborted = Volatile.Read(ref _exchangeAborted);
        try
        {
            aborted?.Cancel();
        }
        catch (AggregateException)
        {
            // A handler's cancellation callback failed; the connection is ending either way.
        }
    }

    private CancellationToken ExchangeToken()
    {
        if (_exchangeAborted is { } existing)
        {
            return existing.Token;
        }

        var created = new CancellationTokenSource();
        if (_wait is null)
        {
            // Without a way to watch the socket, the transport's own closed token says when the client leaves.
            _context.ConnectionClosed.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), created);
        }

        Volatile.Write(ref _exchangeAborted, created);
        return created.Token;
    }

    private void Trace(bool receiving)
    {
        if (_settings.TracesWaits)
        {
            if (receiving)
            {
                ServerLog.ReceivingFrame(_settings.Logger, Id);
            }
            else
            {
                ServerLog.WaitingForFrame(_settings.Logger, Id);
            }
        }
    }
}
