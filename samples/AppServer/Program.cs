using System.Net;
using AppProtocol.Hosting;
using AppProtocol.Samples;
using AppProtocol.Server;
using AppProtocol.Transport;
using AppServer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

// app-server <host> <port> [--quiet] [--close-after-response] [--inline] [--tls-cert PATH [--tls-key PATH] [--client-ca PATH]] [--config appsettings.json]
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
IHost host;
try
{
    host = AppHost.Build(arguments, tls, console, proxy);
}
catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException)
{
    Console.Error.WriteLine($"Cannot read the configuration file '{arguments.ConfigPath}': {ex.InnerException?.Message ?? ex.Message}");
    return 1;
}

using (host)
{
    try
    {
        await host.StartAsync();
    }
    catch (OptionsValidationException ex)
    {
        Console.Error.WriteLine("Invalid configuration:");
        foreach (string failure in ex.Failures)
        {
            Console.Error.WriteLine($"  {failure}");
        }

        return 1;
    }
    catch (Exception ex) when (ex is System.Net.Sockets.SocketException or ArgumentException)
    {
        string where = arguments.Host is { } name ? $" on {PythonRepr.HostPort(name, arguments.Port)}" : "";
        Console.Error.WriteLine($"Cannot listen{where}: {ex.Message}");
        return 1;
    }

    FrameServerService server = host.Services.GetRequiredService<FrameServerService>();
    IList<ListenAddress> listen = host.Services.GetRequiredService<IOptions<FrameServerOptions>>().Value.Listen;
    if (listen is [{ Host: { } listenHost }])
    {
        // Port 0 lets the system choose: print the real one, as the reference would print what it bound.
        int boundPort = server.EndPoints[0] is IPEndPoint bound ? bound.Port : listen[0].Port;
        Console.WriteLine($"Listening on {PythonRepr.HostPort(listenHost, boundPort)}");
    }
    else
    {
        foreach (EndPoint endPoint in server.EndPoints)
        {
            Console.WriteLine($"Listening on {PythonRepr.Address(endPoint)}");
        }
    }

    // SIGTERM or Ctrl+C: the host stops the server gracefully; "Caught keyboard interrupt, exiting" is printed as it starts stopping.
    await host.WaitForShutdownAsync();
}

return 0;
