using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using AppProtocol.Samples;
using AppProtocol.Transport;

// multiconn-server <host> <port>: the guide's multiconn-server.py on AppProtocol's transport layer: echoes on
// many connections at once, printing what the original prints.
if (args.Length != 2)
{
    Console.WriteLine("Usage: multiconn-server <host> <port>");
    return 1;
}

string host = args[0];
if (!int.TryParse(args[1], out int port) || port is < 0 or > IPEndPoint.MaxPort)
{
    Console.WriteLine("Usage: multiconn-server <host> <port>");
    return 1;
}

IReadOnlyList<EndPoint> endPoints = await ListenAddress.Tcp(host, port).ResolveAsync();
await using SocketListener listener = SocketListener.Bind(endPoints[0]);
int boundPort = listener.EndPoint is IPEndPoint ip ? ip.Port : port;
Console.WriteLine($"Listening on {PythonRepr.HostPort(host, boundPort)}");

Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    Console.WriteLine("Caught keyboard interrupt, exiting");
    _ = listener.DisposeAsync();
};

while (await listener.AcceptAsync() is { } connection)
{
    Console.WriteLine($"Accepted connection from {PythonRepr.Address(connection.RemoteEndPoint)}");
    _ = EchoAsync(connection);
}

return 0;

static async Task EchoAsync(SocketConnection connection)
{
    await using (connection)
    {
        string peer = PythonRepr.Address(connection.RemoteEndPoint);
        try
        {
            PipeReader input = connection.Transport.Input;
            PipeWriter output = connection.Transport.Output;
            while (true)
            {
                ReadResult result = await input.ReadAsync();
                if (!result.Buffer.IsEmpty)
                {
                    Console.WriteLine($"Echoing {PythonRepr.Bytes(result.Buffer.ToArray())} to {peer}");
                    foreach (ReadOnlyMemory<byte> segment in result.Buffer)
                    {
                        output.Write(segment.Span);
                    }
                }

                input.AdvanceTo(result.Buffer.End);
                await output.FlushAsync();
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"Connection to {peer} failed: {ex.Message}");
        }

        Console.WriteLine($"Closing connection to {peer}");
    }
}
