using System.IO.Pipelines;

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
    /// Creates the pipe. The reader waits with a zero-byte read before it rents a buffer, so idle connections cost
    /// no buffer memory; it has no pause threshold, so a frame up to the configured maximum always fits.
    /// </summary>
    public static StreamDuplexPipe Create(Stream stream) => new(
        PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: ReadBufferSize, minimumReadSize: 1024, leaveOpen: true, useZeroByteReads: true)),
        PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true)));

    /// <summary>Completes both halves, ignoring the errors of a connection that is going away anyway.</summary>
    public static async ValueTask CompleteQuietlyAsync(IDuplexPipe pipe, Exception? error = null)
    {
        try
        {
            await pipe.Output.CompleteAsync(error).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // The flush of the last bytes failed: the peer is gone.
        }

        try
        {
            await pipe.Input.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // Same as above.
        }
    }
}
