using System.Net;
using AppProtocol.Samples;
using AppServer;
using KestrelAppServer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// app-server-kestrel <host> <port> [--quiet] [--close-after-response] [--tls-cert PATH [--tls-key PATH] [--client-ca PATH]] [--http-port N]
//   [--proxy-protocol [--trusted-proxy ADDRESS|CIDR]...]: app-server on Kestrel.
if (!ProxyArguments.TryExtract(args, out args, out ProxyArguments? proxy) || !Arguments.TryParse(args, out Arguments? arguments))
{
    Console.WriteLine("Usage: app-server-kestrel <host> <port>");
    return 1;
}

ServerTls? tls = null;
if (arguments.Tls is { } tlsArguments && !ServerTls.TryLoad(tlsArguments, out tls))
{
    return 1;
}

IPAddress[]? addresses;
try
{
    addresses = await Arguments.ResolveAsync(arguments.Host);
}
catch (System.Net.Sockets.SocketException ex)
{
    Console.Error.WriteLine($"Cannot listen on {PythonRepr.HostPort(arguments.Host, arguments.Port)}: {ex.Message}");
    return 1;
}

AppConsole? console = arguments.Quiet ? null : new AppConsole(Console.Out);
var handler = new AppRequestHandler(console, arguments.CloseAfterResponse);
var appProtocolEndpoints = new List<Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions>();

WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders()
    .SetMinimumLevel(LogLevel.Warning)
    .AddSimpleConsole(o => o.SingleLine = true)
    .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
builder.WebHost.ConfigureKestrel(kestrel =>
{
    Listen.On(kestrel, addresses, arguments.Port, listen =>
    {
        appProtocolEndpoints.Add(listen);
        listen.UseProxy(proxy).UseTls(tls).UseAppProtocol(handler.HandleAsync, app =>
        {
            app.Options.CloseAfterResponse = arguments.CloseAfterResponse;
            app.Options.ShutdownTimeout = TimeSpan.FromSeconds(5);
            app.Options.ConnectionOpened = (_, remote) => console?.Accepted(remote);
            app.Options.ConnectionClosed = (_, remote) => console?.Closing(remote);
        });
    });
    if (arguments.HttpPort is int httpPort)
    {
        Listen.On(kestrel, addresses, httpPort, _ => { });
    }
});

WebApplication web = builder.Build();
web.MapGet("/health", () => Results.Text("Healthy"));
try
{
    await web.StartAsync();
}
catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
{
    Console.Error.WriteLine($"Cannot listen on {PythonRepr.HostPort(arguments.Host, arguments.Port)}: {ex.Message}");
    return 1;
}

// Port 0 lets the system choose: Kestrel records the port it bound on the endpoint.
int boundPort = appProtocolEndpoints[0].IPEndPoint?.Port ?? arguments.Port;
Console.WriteLine($"Listening on {PythonRepr.HostPort(arguments.Host, boundPort)}");

// Registered after the server's own stop hook, so it runs before it: the line comes before the closes, as app-server's.
web.Lifetime.ApplicationStopping.Register(() =>
{
    if (!arguments.Quiet)
    {
        Console.WriteLine("Caught keyboard interrupt, exiting");
    }
});

// Ctrl+C and SIGTERM stop the application (the host's console lifetime); the stop is graceful.
await web.WaitForShutdownAsync();
return 0;
