using System.IO.Pipelines;
using System.Net.Sockets;

namespace AppProtocol.Client.Streaming;

/// <summary>
/// The connection of one streamed exchange, opened for it alone (the same connect, TLS and Unix code as every call),
/// so pooled small calls never wait behind a large transfer. It carries one request and one response, then closes.
/// </summary>
internal sealed class StreamedConnection : IAsyncDisposable
{
    // Content is copied in chunks of this size: the most of it that the client holds at a time.
    internal const int ChunkSize = 256 * 1024;

    private static readonly IOException Closed = new("The connection is closed.");

    private readonly Socket _socket;
    private int _closed;

    private StreamedConnection(Socket socket, Stream stream, string server)
    {
        _socket = socket;
        Stream = stream;
        Server = server;
        Output = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: ChunkSize, leaveOpen: true));
    }

    /// <summary>The connection's byte stream (TLS when asked); responses are read from it directly.</summary>
    public Stream Stream { get; }

    /// <summary>Where the request is written, with backpressure: each flush waits for the socket to take the bytes.</summary>
    public PipeWriter Output { get; }

    /// <summary>The server, as errors name it.</summary>
    public string Server { get; }

    /// <summary>Connects within <see cref="FrameClientOptions.ConnectTimeout"/>.</summary>
    /// <exception cref="FrameClientException">The connection could not be made (nothing was sent).</exception>
    public static async ValueTask<StreamedConnection> OpenAsync(FrameClientOptions options, CancellationToken cancellationToken)
    {
        using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connectTimeout.CancelAfter(options.ConnectTimeout);
        try
        {
            var (socket, stream) = await ClientConnector.ConnectAsync(options, connectTimeout.Token).ConfigureAwait(false);
            FrameClientLog.Connected(options.EffectiveLogger, options.Describe());
            return new StreamedConnection(socket, stream, options.Describe());
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw ClientFailures.CouldNotConnect($"Could not connect to {options.Describe()} within {ClientFailures.Format(options.ConnectTimeout)} (FrameClientOptions.ConnectTimeout).", ex);
        }
    }

    /// <summary>
    /// Resets the connection (an RST, not a FIN): a frame cut short must never look whole to the server, and a
    /// response left unread must not be drained. Ends any read or write in progress.
    /// </summary>
    public void Reset()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        try
        {
            _socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already gone: nothing to reset.
        }

        _socket.Dispose();
        Release();
    }

    /// <summary>Closes the connection after a whole exchange.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _socket.Dispose();
            Release();
        }

        return ValueTask.CompletedTask;
    }

    // The socket is gone: completing the writer (with an error, so it writes nothing more) returns its buffers.
    private void Release()
    {
        try
        {
            Output.Complete(Closed);
            Stream.Dispose();
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // The stream's own close failed on a socket already gone (TLS's close alert): nothing is left to release.
        }
    }
}
