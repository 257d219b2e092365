using AppProtocol.Client.Streaming;
using AppProtocol.Framing;

namespace AppProtocol.Client;

/// <summary>
/// Streamed exchanges: request content from a <see cref="Stream"/>, response content as a <see cref="Stream"/>, both
/// larger than memory. Each takes a connection of its own, closed when the exchange ends, so the client's pooled calls
/// never wait behind a transfer.
/// </summary>
/// <remarks>
/// <see cref="FrameClientOptions.RequestTimeout"/> bounds each wait on the server (a write of content, the wait for
/// the response header, a read of content), not the whole transfer. Streamed requests are never sent again: a source
/// stream cannot be read twice.
/// </remarks>
public sealed partial class FrameClient
{
    /// <summary>
    /// Sends a request whose content is read from <paramref name="content"/> as it goes out, on a connection of its own,
    /// and waits for the (buffered) response.
    /// </summary>
    /// <param name="header">The header; its <c>content-length</c> says how many bytes are read from <paramref name="content"/>.</param>
    /// <param name="content">The content's source, read from its current position; exactly <c>content-length</c> bytes
    /// are read (the rest, if any, is left unread). Not disposed.</param>
    /// <param name="progress">Told the number of content bytes sent so far after each chunk, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the call; the connection is then reset.</param>
    /// <returns>The response, owning its content (under <see cref="FrameClientOptions.Limits"/>).</returns>
    /// <exception cref="ArgumentException"><paramref name="content"/> ended before <c>content-length</c> bytes: the connection was reset, no frame reached the server.</exception>
    /// <exception cref="FrameErrorReplyException">The server answered with an error reply, possibly before it read the whole content.</exception>
    /// <exception cref="FrameClientException">The connection could not be made or broke.</exception>
    public async Task<Frame> SendAsync(FrameHeader header, Stream content, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        if (_servers is { } servers)
        {
            // Content read from a stream is not sent again: a failure goes to the caller, after leaving the server out.
            return await servers.SendAsync((header, content, progress), static (c, s, t) => new ValueTask<Frame>(c.SendAsync(s.header, s.content, s.progress, t)), idempotent: false, cancellationToken, resendable: false).ConfigureAwait(false);
        }

        await using FrameResponseStream response = await ExchangeAsync(StreamedRequest.FromStream(header, content, progress), Options.Limits, cancellationToken).ConfigureAwait(false);
        return await ReadWholeAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a request and returns its response as soon as the header has arrived, the content to be read from the
    /// returned stream, on a connection of its own.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the call up to the response's header.</param>
    /// <returns>The response's header and content stream (under <see cref="FrameClientOptions.MaxStreamedContentLength"/>); dispose it.</returns>
    /// <exception cref="FrameErrorReplyException">The server answered with an error reply.</exception>
    /// <exception cref="FrameClientException">The connection could not be made or broke before the header.</exception>
    public Task<FrameResponseStream> SendForResponseStreamAsync(Frame request, CancellationToken cancellationToken = default) =>
        _servers is { } servers ? servers.SendAsync(request, static (c, r, t) => new ValueTask<FrameResponseStream>(c.SendForResponseStreamAsync(r, t)), Options.RequestsAreIdempotent, cancellationToken).AsTask() :
        ExchangeAsync(StreamedRequest.FromFrame(request), StreamedLimits, cancellationToken);

    /// <summary>
    /// Sends a request whose content is read from <paramref name="content"/> and returns its response as soon as the
    /// header has arrived, the content to be read from the returned stream, on a connection of its own.
    /// </summary>
    /// <param name="header">The header; its <c>content-length</c> says how many bytes are read from <paramref name="content"/>.</param>
    /// <param name="content">The content's source, as for <see cref="SendAsync(FrameHeader, Stream, IProgress{long}, CancellationToken)"/>.</param>
    /// <param name="progress">Told the number of content bytes sent so far after each chunk, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the call up to the response's header.</param>
    /// <returns>The response's header and content stream (under <see cref="FrameClientOptions.MaxStreamedContentLength"/>); dispose it.</returns>
    /// <exception cref="ArgumentException"><paramref name="content"/> ended before <c>content-length</c> bytes.</exception>
    /// <exception cref="FrameErrorReplyException">The server answered with an error reply.</exception>
    /// <exception cref="FrameClientException">The connection could not be made or broke before the header.</exception>
    public Task<FrameResponseStream> SendForResponseStreamAsync(FrameHeader header, Stream content, IProgress<long>? progress = null, CancellationToken cancellationToken = default) =>
        _servers is { } servers ? servers.SendAsync((header, content, progress), static (c, s, t) => new ValueTask<FrameResponseStream>(c.SendForResponseStreamAsync(s.header, s.content, s.progress, t)), idempotent: false, cancellationToken, resendable: false).AsTask() :
        ExchangeAsync(StreamedRequest.FromStream(header, content, progress), StreamedLimits, cancellationToken);

    private FrameLimits StreamedLimits => Options.Limits with { MaxContentLength = Options.MaxStreamedContentLength };

    private async Task<FrameResponseStream> ExchangeAsync(StreamedRequest request, FrameLimits limits, CancellationToken cancellationToken)
    {
        var timeout = new IdleTimeout(Options.RequestTimeout, cancellationToken);
        FrameResponseStream response;
        try
        {
            var (connection, head) = await StreamedExchange.StartAsync(Options, request, limits, timeout, cancellationToken).ConfigureAwait(false);

            // The call's token covers the call only: each read of the content brings its own.
            timeout.Link(default);
            response = new FrameResponseStream(connection, head, timeout);
        }
        catch
        {
            timeout.Dispose();
            throw;
        }

        if (!FrameErrors.TryGetError(response.Header, out string code, out string? message))
        {
            return response;
        }

        await using (response.ConfigureAwait(false))
        {
            if (response.ContentLength > Options.Limits.MaxContentLength)
            {
                throw StreamingFailures.ErrorReplyTooLarge(response.ContentLength, Options.Limits.MaxContentLength);
            }

            Frame reply = await ReadWholeAsync(response, cancellationToken).ConfigureAwait(false);
            throw new FrameErrorReplyException(code, message, reply, Options.Describe());
        }
    }

    private static async Task<Frame> ReadWholeAsync(FrameResponseStream response, CancellationToken cancellationToken)
    {
        byte[] content = new byte[response.ContentLength];
        await response.ReadExactlyAsync(content, cancellationToken).ConfigureAwait(false);
        return new Frame(response.Header, content);
    }
}
