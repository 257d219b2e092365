using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace AppProtocol.Transport;

/// <summary>A listening socket (TCP or Unix domain) that yields accepted connections.</summary>
/// <remarks>Use one accept loop per listener: concurrent accepts on one socket were measured slower.</remarks>
public sealed class SocketListener : IConnectionListener
{
    private readonly Socket _socket;
    private readonly string? _unixSocketPath;
    private readonly MemoryPool<byte>? _memoryPool;
    private int _disposed;

    private SocketListener(Socket socket, string? unixSocketPath, MemoryPool<byte>? memoryPool)
    {
        _memoryPool = memoryPool;
        _socket = socket;
        _unixSocketPath = unixSocketPath;
        EndPoint = socket.LocalEndPoint!;
    }

    /// <summary>The bound end point; for port 0, the port the system chose.</summary>
    public EndPoint EndPoint { get; }

    /// <summary>Binds and listens.</summary>
    /// <param name="endPoint">An <see cref="IPEndPoint"/> (IPv6 any is bound dual mode, so it takes IPv4 too) or a <see cref="UnixDomainSocketEndPoint"/>.</param>
    /// <param name="backlog">The pending-connection queue length.</param>
    /// <param name="memoryPool">Where connections rent their pipes' buffers; <see cref="MemoryPool{T}.Shared"/> when <see langword="null"/>.</param>
    /// <returns>The listener.</returns>
    /// <exception cref="SocketException">The end point could not be bound.</exception>
    public static SocketListener Bind(EndPoint endPoint, int backlog = 512, MemoryPool<byte>? memoryPool = null)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        bool unix = endPoint is UnixDomainSocketEndPoint;
        var socket = unix
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint is IPEndPoint { AddressFamily: AddressFamily.InterNetworkV6 } ip && ip.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.Bind(endPoint);
            socket.Listen(backlog);
            return new SocketListener(socket, unix ? endPoint.ToString() : null, memoryPool);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Waits for the next connection.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The connection, or <see langword="null"/> once the listener is disposed.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    /// <exception cref="SocketException">The system failed to accept (other than a peer that gave up first, which is skipped).</exception>
    public async ValueTask<SocketConnection?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            try
            {
                Socket socket = await _socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
                return new SocketConnection(socket, _memoryPool);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
            {
                // The peer reset the connection while it waited in the backlog: nothing to serve, keep accepting.
            }
            catch (ObjectDisposedException)
            {
                return null;
            }
            catch (SocketException) when (Volatile.Read(ref _disposed) != 0)
            {
                return null;
            }
        }
    }

    /// <inheritdoc/>
    async ValueTask<ConnectionContext?> IConnectionListener.AcceptAsync(CancellationToken cancellationToken) =>
        await AcceptAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Stops listening, as <see cref="DisposeAsync"/> does.</summary>
    /// <param name="cancellationToken">Unused: unbinding does not wait.</param>
    /// <returns>A completed task.</returns>
    public ValueTask UnbindAsync(CancellationToken cancellationToken = default) => DisposeAsync();

    /// <summary>Stops listening; a pending <see cref="AcceptAsync"/> returns <see langword="null"/>. Removes a Unix socket file it created.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _socket.Dispose();
            if (_unixSocketPath is not null)
            {
                try
                {
                    File.Delete(_unixSocketPath);
                }
                catch (IOException)
                {
                    // Best effort: a leftover socket file only blocks the next bind to the same path.
                }
                catch (UnauthorizedAccessException)
                {
                    // Same as above.
                }
            }
        }

        return ValueTask.CompletedTask;
    }
}
