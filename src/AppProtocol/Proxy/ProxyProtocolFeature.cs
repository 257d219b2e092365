using System.Net;

namespace AppProtocol.Proxy;

/// <summary>The header a connection started with, and the proxy that sent it.</summary>
internal sealed class ProxyProtocolFeature(ProxyHeader header, EndPoint? proxyEndPoint) : IProxyProtocolFeature
{
    public ProxyHeader Header { get; } = header;

    public EndPoint? ProxyEndPoint { get; } = proxyEndPoint;
}
