using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;

namespace AppProtocol.Transport.InMemory;

/// <summary>
/// A transport that connects in memory, for testing handlers and middleware without sockets: bind it as a server's
/// listener, then <see cref="ConnectAsync"/> to open connections to it.
/// </summary>
public sealed class InMemoryTransport : IConnectionListenerFactory
{
    private readonly Channel<InMemoryConnection> _pending = Channel.CreateUnbounded<InMemoryConnection>();
    private long _lastId;
    private int _bound;

    /// <summary>Creates a transport with the given name.</summary>
    /// <param name="name">The name of its end point, for logs.</param>
    public InMemoryTransport(string name = "server") => EndPoint = new InMemoryEndPoint(name);

    /// <summary>The end point its listener reports.</summary>
    public InMemoryEndPoint EndPoint { get; }

    /// <summary>Opens a connection to the bound listener.</summary>
    /// <param name="cancellationToken">Unused: connecting does not wait for the listener to accept.</param>
    /// <returns>The client's end of the connection.</returns>
    /// <exception cref="InvalidOperationException">Nothing is bound, or the listener was unbound.</exception>
    public ValueTask<InMemoryConnection> ConnectAsync(CancellationToken cancellationToken = default)
    {
        string id = Interlocked.Increment(ref _lastId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (client, server) = InMemoryConnection.CreatePair(new InMemoryEndPoint($"client-{id}"), EndPoint, id);
        if (Volatile.Read(ref _bound) == 0 || !_pending.Writer.TryWrite(server))
        {
            throw new InvalidOperationException($"No listener is bound to {EndPoint}.");
        }

        return ValueTask.FromResult(client);
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">Already bound: one listener per transport.</exception>
    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _bound, 1) != 0)
        {
            throw new InvalidOperationException($"{EndPoint} is already bound.");
        }

        return ValueTask.FromResult<IConnectionListener>(new Listener(this));
    }

    private sealed class Listener(InMemoryTransport transport) : IConnectionListener
    {
        public EndPoint EndPoint => transport.EndPoint;

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            ChannelReader<InMemoryConnection> pending = transport._pending.Reader;
            return await pending.WaitToReadAsync(cancellationToken).ConfigureAwait(false) && pending.TryRead(out InMemoryConnection? next) ? next : null;
        }

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
        {
            transport._pending.Writer.TryComplete();
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => UnbindAsync();
    }
}
