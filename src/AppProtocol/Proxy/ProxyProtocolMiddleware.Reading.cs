using System.Buffers;
using System.IO.Pipelines;
using AppProtocol.Diagnostics;
using AppProtocol.Server;
using AppProtocol.Transport.Features;
using Microsoft.AspNetCore.Connections;

namespace AppProtocol.Proxy;

/// <summary>Reading the header: within its timeout, from the pipe, never past the header.</summary>
public sealed partial class ProxyProtocolMiddleware
{
    private const string Step = "waiting for the PROXY protocol header";

    private async ValueTask<HeaderRead> ReadWithinTimeoutAsync(ConnectionContext context)
    {
        bool bounded = _settings.HeaderTimeout != Timeout.InfiniteTimeSpan;
        FrameServerConnection? server = context.Features.Get<FrameServerConnection>();
        IConnectionTimeoutFeature? deadline = bounded ? context.Features.Get<IConnectionTimeoutFeature>() : null;

        // The library's server checks the deadline on its heartbeat, with no timer per connection; another host gets one.
        using CancellationTokenSource? timer = bounded && deadline is null ? new CancellationTokenSource(_settings.HeaderTimeout, _clock) : null;
        deadline?.SetTimeout(_settings.HeaderTimeout, Step);
        try
        {
            return await ReadHeaderAsync(context, timer?.Token ?? default).ConfigureAwait(false);
        }
        catch (ProxyProtocolException ex)
        {
            Refuse(context, ex.Error, ex);
            return HeaderRead.Closed;
        }
        catch (OperationCanceledException) when (timer is { IsCancellationRequested: true })
        {
            _metrics.Error(AppProtocolMetrics.Reasons.Timeout, Tags(context));
            ServerLog.ProxyHeaderTimedOut(_logger, Id(context), context.RemoteEndPoint);
            return HeaderRead.Closed;
        }
        catch (Exception ex) when (server is null && ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The library's server reports these itself (a passed deadline among them); another host would call a reset unhandled.
            _metrics.Error(AppProtocolMetrics.Reasons.Io, Tags(context));
            ServerLog.ProxyHeaderIoError(_logger, Id(context), ex);
            return HeaderRead.Closed;
        }
        finally
        {
            deadline?.ResetTimeout();
        }
    }

    private async ValueTask<HeaderRead> ReadHeaderAsync(ConnectionContext context, CancellationToken cancellationToken)
    {
        PipeReader input = context.Transport.Input;
        while (true)
        {
            ReadResult result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (result.IsCanceled)
            {
                // Aborted (the in-memory transport cancels the pending read): nothing more to read.
                input.AdvanceTo(buffer.Start);
                return HeaderRead.Closed;
            }

            if (!_settings.Required && ProxyHeaderParser.Detect(buffer) == ProxyHeaderKind.None)
            {
                HandOver(context, input, buffer, 0);
                return HeaderRead.Direct;
            }

            if (ProxyHeaderParser.TryParse(buffer, out ProxyHeader? header, out long consumed))
            {
                HandOver(context, input, buffer, consumed);
                return new HeaderRead(header, false);
            }

            if (result.IsCompleted)
            {
                long received = buffer.Length;
                input.AdvanceTo(buffer.End);
                return received == 0
                    ? HeaderRead.Closed
                    : throw new ProxyProtocolException(ProxyProtocolError.ProxyHeaderIncomplete, $"The peer ended its stream after {received} bytes of a PROXY protocol header.");
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    // Gives the bytes after the header to what follows: left in the pipe (consumed up to the header only), or put in
    // front of the transport's stream when TLS over that stream follows.
    private void HandOver(ConnectionContext context, PipeReader input, in ReadOnlySequence<byte> buffer, long consumed)
    {
        ReadOnlySequence<byte> rest = buffer.Slice(consumed);
        if (_bytesAfterHeaderToStream && context.Features.Get<IConnectionStreamFeature>() is { } stream)
        {
            byte[]? after = rest.IsEmpty ? null : rest.ToArray();
            input.AdvanceTo(buffer.End);
            if (after is not null)
            {
                context.Features.Set<IConnectionStreamFeature>(new PrefixedStream(after, stream.Stream));
            }

            return;
        }

        bool buffered = !rest.IsEmpty;
        input.AdvanceTo(rest.Start);
        if (buffered && context.Features.Get<IWaitForDataFeature>() is { } wait)
        {
            // The transport's wait watches the socket, which has nothing new to say about bytes already in the pipe.
            context.Features.Set<IWaitForDataFeature>(new BufferedDataWait(wait));
        }
    }
}
