using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using AppProtocol.Diagnostics;
using AppProtocol.Framing;
using AppProtocol.Pipelines;

namespace AppProtocol.Server;

/// <summary>Requests whose content is streamed to the handler: the streamed limit, the minimum data rate, the drain after.</summary>
/// <remarks>
/// The frame timeout ends once the header has arrived; each wait for content is then under
/// <see cref="FrameServerOptions.MinRequestDataRate"/>, so a fast upload is never cut off and a slow drip cannot hold
/// the connection. Content the handler leaves unread is drained, under the same rate, when it is at most
/// <see cref="DrainLimit"/>; more closes the connection after the response (which then says so).
/// </remarks>
internal sealed partial class FrameServerConnection
{
    /// <summary>The most unread content the server reads and discards to keep the connection; more closes it.</summary>
    internal const long DrainLimit = 1024 * 1024;

    private volatile bool _contentTimedOut;

    public TimeProvider Clock => _settings.Clock;

    public DataRate? MinRequestDataRate => _settings.MinRequestDataRate;

    /// <summary>Whether the heartbeat found the content arriving slower than the minimum data rate.</summary>
    public bool ContentTimedOut => _contentTimedOut;

    public CancellationToken ExchangeAbortedToken => Volatile.Read(ref _exchangeAborted)?.Token ?? CancellationToken.None;

    /// <summary>A read of streamed content waits for the client: it may take <paramref name="left"/> more (none: no rate).</summary>
    public void ContentWaitStarted(long now, TimeSpan? left, long remaining)
    {
        if (_settings.TracesWaits)
        {
            ServerLog.WaitingForContent(_settings.Logger, Id, remaining);
        }

        if (left is { } allowed)
        {
            _deadline.Set(DeadlineKind.Content, now, allowed, _settings.Clock);
        }
    }

    public void ContentWaitEnded()
    {
        if (_deadline.Kind == DeadlineKind.Content)
        {
            _deadline.Clear();
        }
    }

    private void OnContentTooSlow()
    {
        _contentTimedOut = true;
        _timedOut = "receiving a request's content slower than the minimum data rate";

        // The token first: the handler's read, woken next, then fails as a cancellation, not as a handler error.
        CancelExchange();
        Volatile.Read(ref _input)?.CancelPendingRead();
        Abort("The client sent a request's content slower than the minimum data rate.");
    }

    /// <summary>Answers a request whose content follows in the pipe; returns whether to close.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> HandleStreamedAsync(FrameReader reader, PipeWriter output, FrameExchange exchange, Frame start)
    {
        long length = start.Header.ContentLength;
        if (length > _settings.MaxStreamedContentLength)
        {
            RejectTooLarge(exchange, start, length);
            return true;
        }

        // The answers before it go out first: its handler may take as long as its content takes to arrive.
        if (await FlushAsync(output).ConfigureAwait(false))
        {
            return true;
        }

        try
        {
            bool close = await HandleAsync(exchange, start, nothingBuffered: false, streamedFrom: _input).ConfigureAwait(false)
                || await DrainOrCloseAsync(output).ConfigureAwait(false);
            if (!close)
            {
                reader.EndStreamedContent();
            }

            return close;
        }
        finally
        {
            _content.Reset();
        }
    }

    // After the handler: true to close (the content failed, or too much is left); otherwise the rest is drained.
    private async ValueTask<bool> DrainOrCloseAsync(PipeWriter output)
    {
        RequestContentReader content = _content;
        if (content.Faulted || _timedOut is not null)
        {
            return true;
        }

        if (content.Remaining == 0)
        {
            return false;
        }

        if (content.Remaining > DrainLimit || await FlushAsync(output).ConfigureAwait(false))
        {
            return true;
        }

        // A stream that ends early or too slowly here ends the connection (a bad frame, or a timeout, in the logs).
        await content.DrainAsync().ConfigureAwait(false);
        return false;
    }

    // Over the streamed limit: an error reply, and the connection closes, before any content is read.
    private void RejectTooLarge(FrameExchange exchange, in Frame start, long length)
    {
        exchange.Begin(start, ExchangeToken(), closesAfter: true);
        exchange.WriteErrorInstead(FrameErrors.BadRequest, string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"The content-length {length} is more than the server's streamed-content limit of {_settings.MaxStreamedContentLength}; the connection is closed."));
        _settings.Metrics.Error(nameof(ProtocolError.ContentTooLarge), Tags);
        _settings.Metrics.FrameSent(exchange.ResponseLength, Tags);
        ServerLog.StreamedContentTooLarge(_settings.Logger, Id, length, _settings.MaxStreamedContentLength);
        exchange.End();
    }
}
