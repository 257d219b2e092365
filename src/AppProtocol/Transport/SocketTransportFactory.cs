using System.Buffers;
using System.Net;
using Microsoft.AspNetCore.Connections;

namespace AppProtocol.Transport;

/// <summary>Binds <see cref="SocketListener"/>s: TCP over IPv4 and IPv6 (IPv6 any in dual mode) and Unix domain sockets.</summary>
/// <param name="backlog">The pending-connection queue length of each listener.</param>
/// <param name="memoryPool">Where connections rent their pipes' buffers; <see cref="MemoryPool{T}.Shared"/> when <see langword="null"/>.</param>
public sealed class SocketTransportFactory(int backlog = 512, MemoryPool<byte>? memoryPool = null) : IConnectionListenerFactory
{
    /// <summary>The pending-connection queue length of each listener.</summary>
    public int Backlog { get; } = backlog > 0 ? backlog : throw new ArgumentOutOfRangeException(nameof(backlog), backlog, "The backlog must be positive.");

    /// <inheritdoc/>
    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IConnectionListener>(SocketListener.Bind(endpoint, Backlog, memoryPool));
}
