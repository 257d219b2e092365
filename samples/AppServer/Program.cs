using System.Net;
using System.Runtime.InteropServices;
using AppProtocol.Samples;
using AppProtocol.Server;
using AppProtocol.Transport;
using AppServer;
using Microsoft.Extensions.Logging;

// app-server <host> <port> [--quiet] [--close-after-response]: the reference app-server.py, on AppProtocol.
bool quiet = args.Contains("--quiet");
bool closeAfterResponse = args.Contains("--close-after-response");

// Hidden, for the flood measurement (docs/RELIABILITY.md): --frame-timeout SECONDS instead of the default 30 s.
int frameTimeoutAt = Array.IndexOf(args, "--frame-timeout");
TimeSpan? frameTimeout = frameTimeoutAt >= 0 && frameTimeoutAt + 1 < args.Length
    && double.TryParse(args[frameTimeoutAt + 1], System.Globalization.CultureInfo.InvariantCulture, out double seconds) && seconds > 0
    ? TimeSpan.FromSeconds(seconds) : null;
string[] positional = args.Where((a, i) => a is not ("--quiet" or "--close-after-response" or "--frame-timeout") && !(frameTimeoutAt >= 0 && i == frameTimeoutAt + 1)).ToArray();
if (positional.Length != 2)
{
    Console.WriteLine("Usage: app-server <host> <port>");
    return 1;
}

string host = positional[0];
if (!int.TryParse(positional[1], out int port) || port is < 0 or > IPEndPoint.MaxPort)
{
    Console.Error.WriteLine($"Invalid port '{positional[1]}': expected 0 to {IPEndPoint.MaxPort}.");
    Console.WriteLine("Usage: app-server <host> <port>");
    return 1;
}

AppConsole? console = quiet ? null : new AppConsole(Console.Out);
var options = new FrameServerOptions
{
    CloseAfterResponse = closeAfterResponse,
    ShutdownTimeout = TimeSpan.FromSeconds(5),
    ConnectionOpened = (_, remote) => console?.Accepted(remote),
    ConnectionClosed = (_, remote) => console?.Closing(remote),
};
if (frameTimeout is { } timeout)
{
    options.FrameTimeout = timeout;
}

options.Listen.Add(ListenAddress.Tcp(host, port));

using ILoggerFactory loggerFactory = LoggerFactory.Create(logging => logging
    .SetMinimumLevel(LogLevel.Warning)
    .AddSimpleConsole(o => o.SingleLine = true)
    .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));

var handler = new AppRequestHandler(console, closeAfterResponse);
await using var server = new FrameServer(options, handler.HandleAsync, loggerFactory);
try
{
    await server.StartAsync();
}
catch (Exception ex) when (ex is System.Net.Sockets.SocketException or ArgumentException)
{
    Console.Error.WriteLine($"Cannot listen on {PythonRepr.HostPort(host, port)}: {ex.Message}");
    return 1;
}

// Port 0 lets the system choose: print the real one, as the reference would print what it bound.
int boundPort = server.EndPoints[0] is IPEndPoint bound ? bound.Port : port;
Console.WriteLine($"Listening on {PythonRepr.HostPort(host, boundPort)}");

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
if (!quiet)
{
    Console.WriteLine("Caught keyboard interrupt, exiting");
}

await server.StopAsync();
return 0;
