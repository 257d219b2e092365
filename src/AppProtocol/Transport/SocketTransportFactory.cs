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

    /// <summary>The environment variable that makes the runtime run socket continuations on its event threads.</summary>
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Asks the runtime to run every socket's continuations inline on its socket event threads instead of handing
    /// them to the thread pool; call it first thing in <c>Main</c>, before the process uses any socket.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The handoff is the largest cost of a small exchange on a busy server: measured on 2 cores (docs/PERFORMANCE.md),
    /// server CPU per keep-alive request fell from about 15 to 11 µs and per pipelined request from 1.9-2.7 to 1.3-2.1 µs.
    /// Kestrel offers the same choice as <c>SocketTransportOptions.UnsafePreferInlineScheduling</c>.
    /// </para>
    /// <para>
    /// The trade-off: a handler's synchronous part then runs on an event thread, which serves many sockets; a handler
    /// that blocks or computes for long stalls every connection on that thread. Use it only with handlers that are
    /// quick or asynchronous. It is process-wide (the runtime reads <see cref="InlineCompletionsVariable"/> when it
    /// starts its socket engine) and has no effect once a socket has been used, so it is not a server option.
    /// </para>
    /// </remarks>
    public static void PreferInlineCompletions() => Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");

    /// <inheritdoc/>
    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IConnectionListener>(SocketListener.Bind(endpoint, Backlog, memoryPool));
}
