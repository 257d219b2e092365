using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace AppProtocol.Transport.InMemory;

/// <summary>One end of an in-memory connection: what it writes, its peer reads, with the same backpressure as a socket's pipe.</summary>
/// <remarks>Disposing or aborting either end ends the stream for the other and cancels both ends' <see cref="ConnectionClosed"/>.</remarks>
public sealed class InMemoryConnection : ConnectionContext
{
    private readonly CancellationTokenSource _closed = new();
    private InMemoryConnection _peer = null!;
    private int _disposed;

    private InMemoryConnection(IDuplexPipe transport, EndPoint local, EndPoint remote, string id)
    {
        Transport = transport;
        LocalEndPoint = local;
        RemoteEndPoint = remote;
        ConnectionId = id;
    }

    /// <inheritdoc/>
    public override string ConnectionId { get; set; }

    /// <inheritdoc/>
    public override IFeatureCollection Features { get; } = new FeatureCollection();

    /// <inheritdoc/>
    public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

    /// <inheritdoc/>
    public override IDuplexPipe Transport { get; set; }

    /// <inheritdoc/>
    public override CancellationToken ConnectionClosed
    {
        get => _closed.Token;
        set => throw new NotSupportedException("The transport owns the closed token.");
    }

    /// <summary>Creates a connected pair of ends.</summary>
    /// <param name="client">The client's end point, as the server sees it.</param>
    /// <param name="server">The server's end point, as the client sees it.</param>
    /// <param name="id">The connection's id, on both ends.</param>
    /// <returns>The client's end and the server's end.</returns>
    public static (InMemoryConnection Client, InMemoryConnection Server) CreatePair(EndPoint client, EndPoint server, string id)
    {
        // As a socket transport's pipes: a read or flush awaited under a SynchronizationContext (a UI thread, a test
        // runner's) does not resume on it, so a blocked context cannot stall the connection.
        var options = new PipeOptions(useSynchronizationContext: false);
        var toServer = new Pipe(options);
        var toClient = new Pipe(options);
        var clientEnd = new InMemoryConnection(new DuplexPipe(toClient.Reader, toServer.Writer), client, server, id);
        var serverEnd = new InMemoryConnection(new DuplexPipe(toServer.Reader, toClient.Writer), server, client, id);
        clientEnd._peer = serverEnd;
        serverEnd._peer = clientEnd;
        return (clientEnd, serverEnd);
    }

    /// <summary>Ends both directions at once with <paramref name="abortReason"/>: pending reads on both ends fail.</summary>
    /// <param name="abortReason">Why.</param>
    public override void Abort(ConnectionAbortedException abortReason)
    {
        End(abortReason);
        _peer.End(abortReason);
    }

    /// <summary>Ends this end's output (the peer reads the end of the stream) and stops reading.</summary>
    /// <returns>A task that completes when both halves are completed.</returns>
    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await Transport.Output.CompleteAsync().ConfigureAwait(false);
            await Transport.Input.CompleteAsync().ConfigureAwait(false);
            await _closed.CancelAsync().ConfigureAwait(false);
            await _peer._closed.CancelAsync().ConfigureAwait(false);
        }
    }

    private void End(Exception reason)
    {
        Transport.Input.CancelPendingRead();
        Transport.Output.Complete(reason);
        _closed.Cancel();
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
