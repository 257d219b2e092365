using AppProtocol.Samples;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace KestrelAppServer;

/// <summary>The PROXY protocol on the AppProtocol endpoint, before its TLS: the header comes first on the wire.</summary>
internal static class Proxy
{
    /// <summary>Adds <c>UseProxyProtocol</c> with the trusted proxies given; nothing without <c>--proxy-protocol</c>.</summary>
    public static ListenOptions UseProxy(this ListenOptions listen, ProxyArguments? proxy) =>
        proxy is null ? listen : listen.UseProxyProtocol(options =>
        {
            foreach (System.Net.IPNetwork network in proxy.TrustedProxies)
            {
                options.TrustedProxies.Add(network);
            }
        });
}
