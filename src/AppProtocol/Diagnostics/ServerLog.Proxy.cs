using System.Net;
using AppProtocol.Proxy;
using Microsoft.Extensions.Logging;

namespace AppProtocol.Diagnostics;

/// <summary>The PROXY protocol's log messages (<see cref="ProxyProtocolMiddleware"/>); the connection id is the server's number, or the host's id on another host (Kestrel).</summary>
internal static partial class ServerLog
{
    [LoggerMessage(25, LogLevel.Warning, "Connection {ConnectionId} from {RemoteEndPoint} refused: it is not a trusted proxy, and the PROXY protocol header is required.")]
    public static partial void ProxyPeerNotTrusted(ILogger logger, string connectionId, EndPoint? remoteEndPoint);

    [LoggerMessage(26, LogLevel.Warning, "Connection {ConnectionId} from {RemoteEndPoint} did not start with the PROXY protocol header it must send; closing it.")]
    public static partial void ProxyHeaderMissing(ILogger logger, string connectionId, EndPoint? remoteEndPoint);

    [LoggerMessage(27, LogLevel.Warning, "Connection {ConnectionId} from {RemoteEndPoint} sent a bad PROXY protocol header ({Error}); closing it.")]
    public static partial void ProxyHeaderInvalid(ILogger logger, string connectionId, EndPoint? remoteEndPoint, ProxyProtocolError error, Exception exception);

    [LoggerMessage(28, LogLevel.Debug, "Connection {ConnectionId} from proxy {ProxyEndPoint} is from {RemoteEndPoint} to {LocalEndPoint} (PROXY protocol version {Version}).")]
    public static partial void ProxyHeaderAccepted(ILogger logger, string connectionId, EndPoint? proxyEndPoint, EndPoint? remoteEndPoint, EndPoint? localEndPoint, int version);

    [LoggerMessage(29, LogLevel.Debug, "Connection {ConnectionId} from proxy {ProxyEndPoint} keeps its own end points (PROXY protocol version {Version}, {Command}, family {Family}).")]
    public static partial void ProxyHeaderKeptEndPoints(ILogger logger, string connectionId, EndPoint? proxyEndPoint, int version, ProxyCommand command, System.Net.Sockets.AddressFamily family);

    [LoggerMessage(30, LogLevel.Information, "Connection {ConnectionId} from {RemoteEndPoint} timed out waiting for the PROXY protocol header; closing it.")]
    public static partial void ProxyHeaderTimedOut(ILogger logger, string connectionId, EndPoint? remoteEndPoint);

    [LoggerMessage(31, LogLevel.Debug, "Connection {ConnectionId} failed with an I/O error waiting for the PROXY protocol header; closing it.")]
    public static partial void ProxyHeaderIoError(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(32, LogLevel.Debug, "Connection {ConnectionId} from trusted peer {RemoteEndPoint} sent no PROXY protocol header (not required): served as a direct client.")]
    public static partial void ProxyHeaderAbsent(ILogger logger, string connectionId, EndPoint? remoteEndPoint);
}
