using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace AppProtocol.Transport;

/// <summary>A duplex pipe over a stream (a socket's, or TLS over it).</summary>
internal sealed class StreamDuplexPipe : IDuplexPipe
{
    private StreamDuplexPipe(PipeReader input, PipeWriter output)
    {
        Input = input;
        Output = output;
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    /// <summary>
    /// Creates the pipe. The reader has no pause threshold, so a frame up to the configured maximum always fits, and
    /// returns its buffers once everything read is consumed. Its first read of a frame uses a 4 KiB buffer, later ones
    /// 64 KiB (see <see cref="ReadBufferPool"/>); an idle connection holds no buffer, thanks to the zero-byte read.
    /// </summary>
    /// <param name="stream">The connection's stream.</param>
    /// <param name="pool">Where buffers come from; <see cref="MemoryPool{T}.Shared"/> when <see langword="null"/>.</param>
    /// <param name="zeroByteReads">Whether the reader waits with a zero-byte read before it rents a buffer, so an idle
    /// connection holds none; <see langword="false"/> when the caller does that wait on the stream itself.</param>
    public static StreamDuplexPipe Create(Stream stream, MemoryPool<byte>? pool = null, bool zeroByteReads = true)
    {
        var reader = new StreamPipeReaderOptions(new ReadBufferPool(pool), bufferSize: ReadBufferPool.FirstReadSize, minimumReadSize: 1024, leaveOpen: true, useZeroByteReads: zeroByteReads);
        return new(PipeReader.Create(stream, reader), PipeWriter.Create(stream, WriterOptionsFor(pool)));
    }

    // The writer options of the last pool used, shared by its pipes rather than created per connection (the reader's
    // carry the connection's own ReadBufferPool).
    private static StreamPipeWriterOptions? _lastWriterOptions;

    /// <summary>Completes both halves, returning every buffer to the pool even when the peer is gone.</summary>
    public static async ValueTask CompleteQuietlyAsync(IDuplexPipe pipe, Exception? error = null)
    {
        if (error is null)
        {
            try
            {
                // Send what is left while the peer may still be there.
                await pipe.Output.FlushAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
            {
                error = ex;
            }
        }

        try
        {
            // With an error the writer returns its buffers without writing; a failed write inside a plain
            // CompleteAsync would leave them rented.
            await pipe.Output.CompleteAsync(error).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // The peer is gone.
        }

        try
        {
            await pipe.Input.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // Same as above.
        }
    }

    private static StreamPipeWriterOptions WriterOptionsFor(MemoryPool<byte>? pool)
    {
        StreamPipeWriterOptions? options = Volatile.Read(ref _lastWriterOptions);
        if (options is null || (pool is null ? !ReferenceEquals(options.Pool, MemoryPool<byte>.Shared) : options.Pool != pool))
        {
            options = new StreamPipeWriterOptions(pool, leaveOpen: true);
            Volatile.Write(ref _lastWriterOptions, options);
        }

        return options;
    }
}
