using System.Net;
using System.Runtime.InteropServices;
using AppProtocol.Samples;
using AppProtocol.Server;
using AppProtocol.Transport;
using AppServer;
using Microsoft.Extensions.Logging;

// app-server <host> <port> [--quiet] [--close-after-response] [--inline] [--tls-cert PATH [--tls-key PATH] [--client-ca PATH]]
//   [--proxy-protocol [--trusted-proxy ADDRESS|CIDR]...]: the reference app-server.py, on AppProtocol.
if (!ProxyArguments.TryExtract(args, out args, out ProxyArguments? proxy) || !Arguments.TryParse(args, out Arguments? arguments))
{
    Console.WriteLine("Usage: app-server <host> <port>");
    return 1;
}

if (arguments.Inline)
{
    // Before any socket exists: the runtime reads it once (see SocketTransportFactory.PreferInlineCompletions).
    SocketTransportFactory.PreferInlineCompletions();
}

ServerTls? tls = null;
if (arguments.Tls is { } tlsArguments && !ServerTls.TryLoad(tlsArguments, out tls))
{
    return 1;
}

AppConsole? console = arguments.Quiet ? null : new AppConsole(Console.Out);
var options = new FrameServerOptions
{
    CloseAfterResponse = arguments.CloseAfterResponse,
    ShutdownTimeout = TimeSpan.FromSeconds(5),
    ConnectionOpened = (_, remote) => console?.Accepted(remote),
    ConnectionClosed = (_, remote) => console?.Closing(remote),
};
if (arguments.FrameTimeout is { } timeout)
{
    options.FrameTimeout = timeout;
}

// Every connection starts with a PROXY header from a trusted proxy; the lines printed then name its client.
if (proxy is not null)
{
    options.ProxyProtocol = new AppProtocol.Proxy.ProxyProtocolOptions();
    foreach (IPNetwork network in proxy.TrustedProxies)
    {
        options.ProxyProtocol.TrustedProxies.Add(network);
    }
}

// TLS is the listen address's own; the lines printed are the same over it.
ListenAddress address = ListenAddress.Tcp(arguments.Host, arguments.Port);
options.Listen.Add(tls is null ? address : address.WithTls(tls.ToSslServerAuthenticationOptions()));

using ILoggerFactory loggerFactory = LoggerFactory.Create(logging => logging
    .SetMinimumLevel(LogLevel.Warning)
    .AddSimpleConsole(o => o.SingleLine = true)
    .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));

var handler = new AppRequestHandler(console, arguments.CloseAfterResponse);
await using var server = new FrameServer(options, handler.HandleAsync, loggerFactory);
try
{
    await server.StartAsync();
}
catch (Exception ex) when (ex is System.Net.Sockets.SocketException or ArgumentException)
{
    Console.Error.WriteLine($"Cannot listen on {PythonRepr.HostPort(arguments.Host, arguments.Port)}: {ex.Message}");
    return 1;
}

// Port 0 lets the system choose: print the real one, as the reference would print what it bound.
int boundPort = server.EndPoints[0] is IPEndPoint bound ? bound.Port : arguments.Port;
Console.WriteLine($"Listening on {PythonRepr.HostPort(arguments.Host, boundPort)}");

var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.TrySetResult();
};
using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.TrySetResult();
});

await stop.Task;
if (!arguments.Quiet)
{
    Console.WriteLine("Caught keyboard interrupt, exiting");
}

await server.StopAsync();
return 0;
