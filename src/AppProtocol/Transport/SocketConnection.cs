using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace AppProtocol.Transport;

/// <summary>An accepted connection: its stream, and a duplex pipe over it for raw bytes.</summary>
/// <remarks>
/// <see cref="Transport"/> reads with a zero-byte read first, so an idle connection holds no read buffer.
/// Use either <see cref="Stream"/> (for example to wrap it in TLS) or <see cref="Transport"/>, not both.
/// </remarks>
public sealed class SocketConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private IDuplexPipe? _transport;
    private int _disposed;

    internal SocketConnection(Socket socket)
    {
        _socket = socket;
        if (socket.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
        {
            // Responses are whole frames written at once: don't hold them back waiting for more.
            socket.NoDelay = true;
        }

        RemoteEndPoint = Normalize(socket.RemoteEndPoint);
        Stream = new SocketStream(socket);
    }

    /// <summary>The peer's end point (IPv4-mapped IPv6 addresses shown as IPv4), or <see langword="null"/> when unknown (e.g. an unnamed Unix socket).</summary>
    public EndPoint? RemoteEndPoint { get; }

    /// <summary>The local end point.</summary>
    /// <remarks>Read from the socket on each use rather than kept: most servers never ask, and each connection would carry it.</remarks>
    public EndPoint? LocalEndPoint => Normalize(_socket.LocalEndPoint);

    /// <summary>The connection's stream; disposing it closes the socket. A broken connection fails with <see cref="IOException"/>, as <see cref="NetworkStream"/> does.</summary>
    public Stream Stream { get; }

    /// <summary>A duplex pipe over <see cref="Stream"/>, created on first use.</summary>
    public IDuplexPipe Transport => _transport ??= StreamDuplexPipe.Create(Stream);

    /// <summary>Ends receiving: a pending read returns the end of the stream; what is still to send is sent.</summary>
    internal void ShutdownReceive()
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

    /// <summary>Closes the socket at once, without a graceful shutdown; pending reads and writes fail.</summary>
    public void Abort()
    {
        try
        {
            _socket.Close(0);
        }
        catch (ObjectDisposedException)
        {
            // Already closed.
        }
    }

    /// <summary>Completes the pipe if it was used, signals end of stream to the peer, and closes the socket. Safe to call twice; never throws.</summary>
    /// <returns>A task that completes when the connection is closed.</returns>
    public async ValueTask DisposeAsync()
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
    }

    private static EndPoint? Normalize(EndPoint? endPoint) =>
        endPoint is IPEndPoint { Address.IsIPv4MappedToIPv6: true } ip ? new IPEndPoint(ip.Address.MapToIPv4(), ip.Port) : endPoint;
}
