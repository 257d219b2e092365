using System.Net;

namespace AppProtocol.Proxy;

/// <summary>The PROXY protocol header a connection started with, as <see cref="ProxyProtocolMiddleware"/> read it; absent when it sent none.</summary>
public interface IProxyProtocolFeature
{
    /// <summary>The header.</summary>
    ProxyHeader Header { get; }

    /// <summary>The peer that sent it: the proxy, whose address the connection's end point was before the header replaced it.</summary>
    EndPoint? ProxyEndPoint { get; }
}
