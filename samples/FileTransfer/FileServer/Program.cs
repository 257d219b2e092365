using System.Net;
using System.Runtime.InteropServices;
using AppProtocol.Samples;
using AppProtocol.Server;
using AppProtocol.Transport;
using FileServer;

// file-server <host> <port> <directory>: stores uploads in the directory and serves downloads from it; the
// requests are described in samples/FileTransfer/README.md.
if (args.Length != 3 || !int.TryParse(args[1], out int port) || port is < 0 or > IPEndPoint.MaxPort)
{
    Console.WriteLine("Usage: file-server <host> <port> <directory>");
    return 1;
}

if (!Directory.Exists(args[2]))
{
    Console.WriteLine($"No such directory: '{args[2]}'.");
    return 1;
}

var store = new FileStore(args[2]);
var options = new FrameServerOptions
{
    // Uploads over 64 KiB are streamed to their file as they arrive; smaller ones are buffered, as every request was.
    RequestStreamingThreshold = 64 * 1024,
};
options.Listen.Add(ListenAddress.Tcp(args[0], port));
await using var server = new FrameServer(options, new FileHandler(store, Console.Out).HandleAsync);
await server.StartAsync();
int boundPort = server.EndPoints[0] is IPEndPoint ip ? ip.Port : port;
Console.WriteLine($"Listening on {PythonRepr.HostPort(args[0], boundPort)}");

var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.TrySetResult();
});
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.TrySetResult();
};
await stop.Task;
await server.StopAsync();
return 0;
