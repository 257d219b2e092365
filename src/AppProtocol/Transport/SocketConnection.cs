using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using AppProtocol.Transport.Features;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace AppProtocol.Transport;

/// <summary>An accepted socket connection (TCP or Unix domain): its stream, and a duplex pipe over it for raw bytes.</summary>
/// <remarks>
/// <see cref="Transport"/> reads with a zero-byte read first, so an idle connection holds no read buffer; the
/// <see cref="IWaitForDataFeature"/> it offers waits the same way outside the pipe. Use either <see cref="Stream"/>
/// (for example to wrap it in TLS) or <see cref="Transport"/>, not both. Members that most servers never use
/// (features table, items, closed token, connection id) are created on first use.
/// </remarks>
public sealed class SocketConnection : ConnectionContext, IWaitForDataFeature, IConnectionStreamFeature
{
    private static readonly Type[] OwnFeatures = [typeof(IWaitForDataFeature), typeof(IConnectionStreamFeature)];
    private static long _lastId;

    private readonly Socket _socket;
    private readonly MemoryPool<byte>? _memoryPool;
    private IDuplexPipe? _transport;
    private bool _waitsOutsidePipe;
    private TransportFeatures? _features;
    private IDictionary<object, object?>? _items;
    private CancellationTokenSource? _closed;
    private string? _connectionId;
    private EndPoint? _localEndPoint;
    private int _disposed;

    internal SocketConnection(Socket socket, MemoryPool<byte>? memoryPool = null)
    {
        _socket = socket;
        _memoryPool = memoryPool;
        if (socket.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
        {
            // Responses are whole frames written at once: don't hold them back waiting for more.
            socket.NoDelay = true;
        }

        RemoteEndPoint = Normalize(socket.RemoteEndPoint);
        Stream = new SocketStream(socket);
    }

    /// <summary>The peer's end point (IPv4-mapped IPv6 addresses shown as IPv4), or <see langword="null"/> when unknown (e.g. an unnamed Unix socket).</summary>
    public override EndPoint? RemoteEndPoint { get; set; }

    /// <summary>The local end point.</summary>
    /// <remarks>Read from the socket on first use rather than at accept: most servers never ask, and each connection would carry it.</remarks>
    public override EndPoint? LocalEndPoint
    {
        get => _localEndPoint ??= Normalize(_socket.LocalEndPoint);
        set => _localEndPoint = value;
    }

    /// <summary>The connection's stream; disposing it closes the socket. A broken connection fails with <see cref="IOException"/>, as <see cref="NetworkStream"/> does.</summary>
    public Stream Stream { get; }

    /// <summary>A duplex pipe over <see cref="Stream"/>, created on first use.</summary>
    /// <remarks>Its reader waits with a zero-byte read before renting a buffer, unless the <see cref="IWaitForDataFeature"/> was asked for first: its user waits that way itself.</remarks>
    public override IDuplexPipe Transport
    {
        get => _transport ??= StreamDuplexPipe.Create(Stream, _memoryPool, zeroByteReads: !_waitsOutsidePipe);
        set => _transport = value;
    }

    /// <inheritdoc/>
    public override string ConnectionId
    {
        get => _connectionId ??= Interlocked.Increment(ref _lastId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        set => _connectionId = value;
    }

    /// <inheritdoc/>
    public override IFeatureCollection Features => _features ??= new TransportFeatures(this, OwnFeatures, static c => ((SocketConnection)c)._waitsOutsidePipe = true);

    /// <inheritdoc/>
    public override IDictionary<object, object?> Items
    {
        get => _items ??= new Dictionary<object, object?>();
        set => _items = value;
    }

    /// <summary>Cancelled when the connection is disposed or aborted.</summary>
    public override CancellationToken ConnectionClosed
    {
        get => (_closed ??= Volatile.Read(ref _disposed) != 0 ? new CancellationTokenSource(0) : new CancellationTokenSource()).Token;
        set => throw new NotSupportedException("The transport owns the closed token.");
    }

    bool IWaitForDataFeature.IsDataAvailable
    {
        get
        {
            try
            {
                return _socket.Available > 0;
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return false;
            }
        }
    }

    ValueTask<int> IWaitForDataFeature.WaitForDataAsync() => ((SocketStream)Stream).WaitForDataAsync();

    void IWaitForDataFeature.EndWait() => ShutdownReceive();

    /// <summary>Closes the socket at once, without a graceful shutdown; pending reads and writes fail.</summary>
    /// <param name="abortReason">Why; not sent to the peer.</param>
    public override void Abort(ConnectionAbortedException abortReason)
    {
        try
        {
            _socket.Close(0);
        }
        catch (ObjectDisposedException)
        {
            // Already closed.
        }

        FireClosed();
    }

    /// <summary>Completes the pipe if it was used, signals end of stream to the peer, and closes the socket. Safe to call twice; never throws.</summary>
    /// <returns>A task that completes when the connection is closed.</returns>
    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_transport is { } transport)
        {
            await StreamDuplexPipe.CompleteQuietlyAsync(transport).ConfigureAwait(false);
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The peer is gone already.
        }

        await Stream.DisposeAsync().ConfigureAwait(false);
        FireClosed();
    }

    /// <summary>Ends receiving: a pending read returns the end of the stream; what is still to send is sent.</summary>
    private void ShutdownReceive()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Receive);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Closed already.
        }
    }

    private void FireClosed()
    {
        CancellationTokenSource? closed = Volatile.Read(ref _closed);
        if (closed is not null)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static c => c.Cancel(), closed, preferLocal: false);
        }
    }

    private static EndPoint? Normalize(EndPoint? endPoint) =>
        endPoint is IPEndPoint { Address.IsIPv4MappedToIPv6: true } ip ? new IPEndPoint(ip.Address.MapToIPv4(), ip.Port) : endPoint;
}
