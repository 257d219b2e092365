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
public sealed partial class SocketConnection : ConnectionContext, IWaitForDataFeature, IConnectionStreamFeature, IDuplexPipe
{
    private static long _lastId;

    /// <summary>How long a graceful close waits at most for the peer to end its stream (see <see cref="DisposeAsync"/>).</summary>
    /// <remarks>
    /// A peer that reads our answer and our end of stream closes within a round trip or two; 2 s covers slow links and
    /// busy peers many times over, while a peer that never closes holds its socket only briefly. nginx waits longer
    /// (lingering_timeout 5 s, lingering_time 30 s), but it drains request bodies, which can be large and slow.
    /// </remarks>
    internal static readonly TimeSpan DefaultLingerTime = TimeSpan.FromSeconds(2);

    /// <summary>How many bytes a graceful close discards at most before it closes anyway.</summary>
    /// <remarks>
    /// What the peer had sent before it saw our end of stream is at most what our receive window let it send: the
    /// default on Linux is 128 KiB (tcp_rmem), and 256 KiB covers it with room. A peer still sending past that is
    /// streaming, not finishing, and gets the reset. Discarding costs no heap memory (see <see cref="SocketStream.DrainAsync"/>).
    /// </remarks>
    internal const int LingerLimit = 256 * 1024;

    private readonly SocketStream _stream;
    private readonly Socket _socket;
    private readonly MemoryPool<byte>? _memoryPool;
    private IDuplexPipe? _transport;
    private SocketPipeReader? _input;
    private SocketPipeWriter? _output;
    private bool _waitsOutsidePipe;
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
        Stream = _stream = new SocketStream(socket);
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

    /// <summary>How long <see cref="DisposeAsync"/> drains the peer's bytes at most; <see cref="TimeSpan.Zero"/> closes at once.</summary>
    internal TimeSpan LingerTime { get; set; } = DefaultLingerTime;

    /// <summary>The connection's stream; disposing it closes the socket. A broken connection fails with <see cref="IOException"/>, as <see cref="NetworkStream"/> does.</summary>
    public Stream Stream { get; }

    /// <summary>A duplex pipe straight over the socket, created on first use.</summary>
    /// <remarks>Its reader waits with a zero-byte read before renting a buffer, unless the <see cref="IWaitForDataFeature"/> was asked for first: its user waits that way itself.</remarks>
    public override IDuplexPipe Transport
    {
        get
        {
            if (_transport is null)
            {
                _input = new SocketPipeReader(_stream, _memoryPool, zeroByteReads: !_waitsOutsidePipe);
                _output = new SocketPipeWriter(_stream, _memoryPool);
                _transport = this;
            }

            return _transport;
        }

        set => _transport = value;
    }

    // The connection is its own pipe: one object fewer per connection.
    PipeReader IDuplexPipe.Input => _input ?? throw new InvalidOperationException("The transport was replaced.");

    PipeWriter IDuplexPipe.Output => _output ?? throw new InvalidOperationException("The transport was replaced.");

    /// <inheritdoc/>
    public override string ConnectionId
    {
        get => _connectionId ??= Interlocked.Increment(ref _lastId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        set => _connectionId = value;
    }

    /// <inheritdoc/>
    public override IFeatureCollection Features => this;

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

    /// <summary>
    /// Completes the pipe if it was used, signals end of stream to the peer, and closes the socket once the peer has
    /// ended its stream too, or after a short while (at most 2 s). Safe to call twice; never throws.
    /// </summary>
    /// <remarks>
    /// Until the socket closes, what the peer still sends is read and discarded: closing with unread bytes would make
    /// the kernel reset the connection, which can destroy the last answer before the peer reads it. <see cref="Abort"/>
    /// ends that wait at once.
    /// </remarks>
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

        if (ShutdownSend() && !_stream.ReceivedEnd && LingerTime > TimeSpan.Zero)
        {
            await _stream.DrainAsync(LingerTime, LingerLimit).ConfigureAwait(false);
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

    // Sends FIN after what is queued; false when the socket is closed or broken already.
    private bool ShutdownSend()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The peer is gone already.
            return false;
        }
    }

    private static EndPoint? Normalize(EndPoint? endPoint) =>
        endPoint is IPEndPoint { Address.IsIPv4MappedToIPv6: true } ip ? new IPEndPoint(ip.Address.MapToIPv4(), ip.Port) : endPoint;
}
