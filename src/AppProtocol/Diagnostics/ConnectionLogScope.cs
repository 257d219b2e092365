using System.Collections;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace AppProtocol.Diagnostics;

/// <summary>
/// The logging scope of one connection: <c>ConnectionId</c> and <c>Peer</c>, computed only when a logger reads
/// them, so that a connection pays one small object for its scope, not its strings.
/// </summary>
internal sealed class ConnectionLogScope(long connectionId, ConnectionContext connection) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => 2;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("ConnectionId", connectionId),
        1 => new("Peer", PeerName()),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
        yield return this[1];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"Connection {connectionId} from {PeerName()}";

    // A Unix socket's peer is usually unnamed: say so, with the socket it came in on. The local end point is read only
    // then: a socket connection would otherwise look it up, and keep it, for every connection.
    private string PeerName() => connection.RemoteEndPoint switch
    {
        UnixDomainSocketEndPoint unix when unix.ToString().Length > 0 => $"unix:{unix}",
        UnixDomainSocketEndPoint or null when connection.LocalEndPoint is UnixDomainSocketEndPoint local => $"an unnamed peer on unix:{local}",
        null => "an unknown peer",
        { } remote => remote.ToString() ?? "an unknown peer",
    };
}
