namespace AppProtocol.Proxy;

/// <summary>What a PROXY protocol header says the connection is.</summary>
public enum ProxyCommand
{
    /// <summary>Version 2's LOCAL: the proxy opened the connection for itself (a health check); its real end points count.</summary>
    Local = 0,

    /// <summary>The proxy relays a client's connection: a version 1 header, or version 2's PROXY.</summary>
    Proxy = 1,
}
