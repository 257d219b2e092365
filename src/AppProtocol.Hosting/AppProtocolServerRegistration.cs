using System.Net;
using System.Net.Security;
using AppProtocol.Server;
using AppProtocol.Transport;
using Microsoft.AspNetCore.Connections;

namespace AppProtocol.Hosting;

/// <summary>What <see cref="AppProtocolServerBuilder"/> collects for the server it builds at start: one per service collection.</summary>
internal sealed class AppProtocolServerRegistration
{
    /// <summary>Makes the handler when the server starts, from the application's services.</summary>
    public Func<IServiceProvider, FrameHandler>? HandlerFactory { get; set; }

    /// <summary>Whether options are bound from a configuration section already: a second one would add its listen addresses again.</summary>
    public bool HasConfiguration { get; set; }

    public List<Func<FrameHandler, FrameHandler>> ExchangeMiddleware { get; } = [];

    public List<Func<ConnectionDelegate, ConnectionDelegate>> ConnectionMiddleware { get; } = [];

    public List<(IConnectionListenerFactory Factory, EndPoint EndPoint, SslServerAuthenticationOptions? Tls)> Transports { get; } = [];

    /// <summary>The configuration key of each listen address bound from configuration, for error messages.</summary>
    public Dictionary<ListenAddress, string> ConfiguredAddresses { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>How error messages name a listen address: its configuration key, or its place in <see cref="FrameServerOptions.Listen"/>.</summary>
    public string NameOf(ListenAddress address, int index)
    {
        lock (ConfiguredAddresses)
        {
            return ConfiguredAddresses.TryGetValue(address, out string? key) ? key : $"FrameServerOptions.Listen[{index}]";
        }
    }
}
