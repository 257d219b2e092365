using System.Buffers;
using System.IO.Pipelines;
using AppProtocol.Framing;

namespace AppProtocol.Server;

/// <summary>Responses whose content comes from a stream, a pipe or a file: larger than memory, sent with backpressure.</summary>
/// <remarks>
/// The header, with its <c>content-length</c>, goes first; the content follows in chunks, each flushed under the
/// minimum response data rate, so a client that reads slowly slows the source instead of filling memory. Exactly
/// <c>content-length</c> bytes must come: a source that ends early leaves part of a frame on the wire, so the
/// connection is reset (never closed as if the frame were whole) and the call throws; bytes beyond it are not sent,
/// the call throws and the connection closes after the whole frame.
/// </remarks>
public sealed partial class FrameExchange
{
    // Flushed at least this often: the most a streamed response holds in memory beyond what the transport buffers.
    private const int StreamChunk = 64 * 1024;

    /// <summary>Whether a streamed response ended with part of its frame written (the connection must then be reset).</summary>
    internal bool ResponseBroken { get; private set; }

    /// <summary>Responds with a header and content read from <paramref name="content"/>, which must hold exactly <c>content-length</c> more bytes.</summary>
    /// <param name="header">The header, with the content's length.</param>
    /// <param name="content">The content's source; not disposed.</param>
    /// <param name="cancellationToken">Cancels the response (the connection is then reset).</param>
    /// <returns>A task that completes when the whole frame is handed to the transport.</returns>
    /// <exception cref="InvalidOperationException">A response was already written, or the stream held fewer or more bytes than declared.</exception>
    public async ValueTask RespondAsync(FrameHeader header, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        long left = StartStreamedResponse(header);
        try
        {
            while (left > 0)
            {
                Memory<byte> buffer = _output.GetMemory((int)Math.Min(left, StreamChunk));
                int read = await content.ReadAsync(buffer[..(int)Math.Min(left, buffer.Length)], cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw TooFew(header, left);
                }

                _response.Advance(read);
                left -= read;
                await FlushChunkAsync(StreamChunk).ConfigureAwait(false);
            }
        }
        catch
        {
            ResponseBroken = true;
            throw;
        }

        // The frame is whole; one more byte means the source disagreed with the header.
        if (await content.ReadAsync(_output.GetMemory(1)[..1], cancellationToken).ConfigureAwait(false) > 0)
        {
            throw TooMany(header);
        }
    }

    /// <summary>Responds with a header and content read from <paramref name="content"/>: exactly <c>content-length</c> bytes.</summary>
    /// <param name="header">The header, with the content's length.</param>
    /// <param name="content">The content's source; not completed (bytes beyond the content are left in it).</param>
    /// <param name="cancellationToken">Cancels the response (the connection is then reset).</param>
    /// <returns>A task that completes when the whole frame is handed to the transport.</returns>
    /// <exception cref="InvalidOperationException">A response was already written, or the pipe ended before <c>content-length</c> bytes.</exception>
    public async ValueTask RespondAsync(FrameHeader header, PipeReader content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        long left = StartStreamedResponse(header);
        try
        {
            while (left > 0)
            {
                ReadResult result = await content.ReadAsync(cancellationToken).ConfigureAwait(false);
                ReadOnlySequence<byte> chunk = result.Buffer.Slice(0, Math.Min(left, result.Buffer.Length));
                await SendAsync(chunk).ConfigureAwait(false);
                left -= chunk.Length;
                content.AdvanceTo(chunk.End);
                if (left > 0 && result.IsCompleted)
                {
                    throw TooFew(header, left);
                }
            }
        }
        catch
        {
            ResponseBroken = true;
            throw;
        }
    }

    /// <summary>Responds with a file's content, its length in the header.</summary>
    /// <param name="contentType">The header's content type.</param>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels the response (the connection is then reset).</param>
    /// <returns>A task that completes when the whole frame is handed to the transport.</returns>
    /// <exception cref="IOException">The file cannot be opened (nothing is written then), or it changed length while it was sent.</exception>
    public async ValueTask RespondFileAsync(string contentType, string path, CancellationToken cancellationToken = default)
    {
        // No buffer of its own: reads go straight into the pipe's memory.
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await RespondAsync(FrameHeader.Binary(contentType, file.Length), file, cancellationToken).ConfigureAwait(false);
    }

    private long StartStreamedResponse(in FrameHeader header)
    {
        StartResponse();
        FrameWriter.WriteHeader(_response, ClosesAfter(streamedResponse: true) ? ClosingHeader(header) : header);
        return header.ContentLength;
    }

    // Copied into the connection's writer, so that every wait for the client falls under the minimum response data rate.
    private async ValueTask SendAsync(ReadOnlySequence<byte> chunk)
    {
        foreach (ReadOnlyMemory<byte> segment in chunk)
        {
            _response.Write(segment.Span);
            await FlushChunkAsync(StreamChunk).ConfigureAwait(false);
        }
    }

    private async ValueTask FlushChunkAsync(int atLeast)
    {
        if (_output.UnflushedBytes > atLeast)
        {
            ThrowIfGone(await Connection.FlushResponseAsync(_output).ConfigureAwait(false));
        }
    }

    private static void ThrowIfGone(bool gone)
    {
        if (gone)
        {
            throw new IOException("The client went away during the streamed response.");
        }
    }

    private static InvalidOperationException TooFew(in FrameHeader header, long left) =>
        new($"The response's content source ended after {header.ContentLength - left} of the {header.ContentLength} bytes its content-length declares; the connection is reset.");

    private InvalidOperationException TooMany(in FrameHeader header)
    {
        CloseRequested = true;
        return new($"The response's content source holds more than the {header.ContentLength} bytes its content-length declares; the frame was sent whole, and the connection closes after it.");
    }
}
