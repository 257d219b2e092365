using System.Buffers;
using System.IO.Pipelines;
using AppProtocol.Framing;

namespace AppProtocol.Client.Streaming;

/// <summary>A request of a streamed exchange: its header, and content from a stream or already in memory.</summary>
internal sealed class StreamedRequest
{
    private readonly Stream? _source;
    private readonly ReadOnlySequence<byte> _buffered;
    private readonly IProgress<long>? _progress;

    private StreamedRequest(FrameHeader header, Stream? source, ReadOnlySequence<byte> buffered, IProgress<long>? progress)
    {
        Header = header;
        _source = source;
        _buffered = buffered;
        _progress = progress;
    }

    public FrameHeader Header { get; }

    /// <summary>How many content bytes went out so far.</summary>
    public long Sent { get; private set; }

    /// <summary>Whether the content's source threw (its exception is the caller's, not the connection's).</summary>
    public bool SourceFailed { get; private set; }

    /// <summary>Whether the whole frame went out.</summary>
    public bool IsWhole => Sent == Header.ContentLength;

    public static StreamedRequest FromStream(FrameHeader header, Stream content, IProgress<long>? progress)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegative(header.ContentLength, nameof(header));
        return new(header, content, default, progress);
    }

    public static StreamedRequest FromFrame(in Frame request)
    {
        if (request.Content.Length != request.Header.ContentLength)
        {
            throw new ArgumentException($"The content is {request.Content.Length} bytes but the header's content-length is {request.Header.ContentLength}.", nameof(request));
        }

        return new(request.Header, null, request.Content, null);
    }

    /// <summary>
    /// Writes the frame, flushing every chunk under the idle timeout, until it is whole, the source ends early
    /// (<see cref="IsWhole"/> stays false) or <paramref name="answered"/> completes (the server answered early).
    /// </summary>
    public async ValueTask WriteAsync(PipeWriter output, IdleTimeout timeout, Task answered)
    {
        FrameWriter.WriteHeader(output, Header);
        if (_source is null)
        {
            foreach (ReadOnlyMemory<byte> segment in _buffered)
            {
                output.Write(segment.Span);
            }

            Sent = _buffered.Length;
            await FlushAsync(output, timeout).ConfigureAwait(false);
            return;
        }

        long left = Header.ContentLength;
        while (left > 0 && !answered.IsCompleted)
        {
            Memory<byte> buffer = output.GetMemory(StreamedConnection.ChunkSize);
            int read = await ReadSourceAsync(buffer[..(int)Math.Min(left, buffer.Length)], timeout.Token).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            output.Advance(read);
            left -= read;
            Sent += read;
            if (output.UnflushedBytes >= StreamedConnection.ChunkSize || left == 0)
            {
                await FlushAsync(output, timeout).ConfigureAwait(false);
                _progress?.Report(Sent);
            }
        }

        if (Header.ContentLength == 0)
        {
            await FlushAsync(output, timeout).ConfigureAwait(false);
        }
    }

    // The timeout is not running while the source is read: only the caller's token can cancel it.
    private async ValueTask<int> ReadSourceAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await _source!.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            SourceFailed = true;
            throw;
        }
    }

    private static async ValueTask FlushAsync(PipeWriter output, IdleTimeout timeout)
    {
        timeout.Start();
        await output.FlushAsync(timeout.Token).ConfigureAwait(false);
        timeout.Stop();
    }
}
