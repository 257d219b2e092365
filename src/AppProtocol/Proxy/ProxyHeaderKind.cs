namespace AppProtocol.Proxy;

/// <summary>What a connection's first bytes say about a PROXY protocol header.</summary>
internal enum ProxyHeaderKind
{
    /// <summary>Too few bytes to tell.</summary>
    Incomplete,

    /// <summary>Not a PROXY protocol header.</summary>
    None,

    /// <summary>Starts with <c>PROXY</c>: the text header.</summary>
    Version1,

    /// <summary>Starts with the 12-byte signature: the binary header.</summary>
    Version2,
}
