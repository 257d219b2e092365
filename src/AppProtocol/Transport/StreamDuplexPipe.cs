using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace AppProtocol.Transport;

/// <summary>A duplex pipe over a stream (a socket's, or TLS over it).</summary>
internal sealed class StreamDuplexPipe : IDuplexPipe
{
    // Large reads: with 4 KiB ones a 1 MiB request cost three times the baseline's CPU (docs/PERFORMANCE.md).
    // An idle connection still holds no buffer, thanks to the zero-byte read.
    private const int ReadBufferSize = 64 * 1024;

    private StreamDuplexPipe(PipeReader input, PipeWriter output)
    {
        Input = input;
        Output = output;
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    /// <summary>
    /// Creates the pipe. The reader has no pause threshold, so a frame up to the configured maximum always fits, and
    /// returns its buffers once everything read is consumed.
    /// </summary>
    /// <param name="stream">The connection's stream.</param>
    /// <param name="pool">Where buffers come from; <see cref="MemoryPool{T}.Shared"/> when <see langword="null"/>.</param>
    /// <param name="zeroByteReads">Whether the reader waits with a zero-byte read before it rents a buffer, so an idle
    /// connection holds none; <see langword="false"/> when the caller does that wait on the stream itself.</param>
    public static StreamDuplexPipe Create(Stream stream, MemoryPool<byte>? pool = null, bool zeroByteReads = true)
    {
        Settings settings = SettingsFor(pool);
        return new(PipeReader.Create(stream, zeroByteReads ? settings.Reader : settings.ReaderWithoutZeroByteReads), PipeWriter.Create(stream, settings.Writer));
    }

    // The options of the last pool used, shared by its pipes rather than created per connection.
    private static Settings? _lastSettings;

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

    private static Settings SettingsFor(MemoryPool<byte>? pool)
    {
        Settings? settings = Volatile.Read(ref _lastSettings);
        if (settings is null || settings.Pool != pool)
        {
            settings = new Settings(
                pool,
                new StreamPipeReaderOptions(pool, bufferSize: ReadBufferSize, minimumReadSize: 1024, leaveOpen: true, useZeroByteReads: true),
                new StreamPipeReaderOptions(pool, bufferSize: ReadBufferSize, minimumReadSize: 1024, leaveOpen: true, useZeroByteReads: false),
                new StreamPipeWriterOptions(pool, leaveOpen: true));
            Volatile.Write(ref _lastSettings, settings);
        }

        return settings;
    }

    private sealed record Settings(MemoryPool<byte>? Pool, StreamPipeReaderOptions Reader, StreamPipeReaderOptions ReaderWithoutZeroByteReads, StreamPipeWriterOptions Writer);
}
