using System.Net;
using System.Net.Sockets;
using BaselineServer;

// The yardstick for load runs: SPEC section 3 (search and binary actions) with keep-alive and pipelining,
// written by hand on raw sockets with no AppProtocol code, so that the library's server can be quoted as a ratio to it.

// Socket continuations run inline on the runtime's socket engine threads (one per core), not handed to the thread pool:
// measured faster in every mode of docs/PERFORMANCE.md. The runtime reads the variable once, when the first socket
// operation starts its engines, and on Unix SetEnvironmentVariable changes the copy it reads; an explicit value wins
// (DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0 for the thread pool).
const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
if (Environment.GetEnvironmentVariable(InlineCompletions) is null)
{
    Environment.SetEnvironmentVariable(InlineCompletions, "1");
}

if (args.Length > 2)
{
    Console.Error.WriteLine("Usage: BaselineServer [host] [port]   (defaults: 127.0.0.1 0 = a free port)");
    return 1;
}

IPAddress address = args.Length > 0 && args[0].Length > 0 ? IPAddress.Parse(args[0]) : IPAddress.Loopback;
int port = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 0;

using var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
listener.Bind(new IPEndPoint(address, port));
listener.Listen(1024);

// Scripts read the port from this line when they asked for port 0.
Console.WriteLine($"Listening on {listener.LocalEndPoint}");

// One accept loop: a second concurrent AcceptAsync hands every other accept to the thread pool, which costs more than it gains on 2 cores.
while (true)
{
    Socket socket = await listener.AcceptAsync();
    socket.NoDelay = true;
    _ = new BaselineConnection(socket).RunAsync();
}
