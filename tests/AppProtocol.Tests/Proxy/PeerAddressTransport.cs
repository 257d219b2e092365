using System.Net;
using AppProtocol.Transport.InMemory;
using Microsoft.AspNetCore.Connections;

namespace AppProtocol.Tests.Proxy;

/// <summary>The in-memory transport, with the server's ends of its connections given an IP peer address, as a socket's would be: the subject of the PROXY protocol's trust.</summary>
internal sealed class PeerAddressTransport(InMemoryTransport inner, EndPoint peer) : IConnectionListenerFactory
{
    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default) =>
        new Listener(await inner.BindAsync(endpoint, cancellationToken), peer);

    private sealed class Listener(IConnectionListener inner, EndPoint peer) : IConnectionListener
    {
        public EndPoint EndPoint => inner.EndPoint;

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            ConnectionContext? connection = await inner.AcceptAsync(cancellationToken);
            if (connection is not null)
            {
                connection.RemoteEndPoint = peer;
            }

            return connection;
        }

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default) => inner.UnbindAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
