namespace AppProtocol.Proxy;

/// <summary>A snapshot of <see cref="ProxyProtocolOptions"/>, fixed when a server or middleware is made.</summary>
internal sealed record ProxySettings(bool Required, TimeSpan HeaderTimeout, ProxyTrust Trust);
