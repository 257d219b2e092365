using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using AppProtocol.Samples;
using AppProtocol.Transport;

// echo-server [host port]: the guide's echo-server.py on AppProtocol's transport layer (raw bytes, no frames).
// Unlike the original, which exits after its one client, it keeps accepting until Ctrl+C.
if (args.Length is not (0 or 2))
{
    Console.WriteLine("Usage: echo-server [<host> <port>]");
    return 1;
}

string host = args.Length == 2 ? args[0] : "127.0.0.1";
if (!int.TryParse(args.Length == 2 ? args[1] : "65432", out int port) || port is < 0 or > IPEndPoint.MaxPort)
{
    Console.WriteLine("Usage: echo-server [<host> <port>]");
    return 1;
}

IReadOnlyList<EndPoint> endPoints = await ListenAddress.Tcp(host, port).ResolveAsync();
await using SocketListener listener = SocketListener.Bind(endPoints[0]);
Console.WriteLine($"Listening on {PythonRepr.Address(listener.EndPoint)}");

// Ctrl+C disposes the listener, which ends the accept loop below.
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    _ = listener.DisposeAsync();
};

while (await listener.AcceptAsync() is { } connection)
{
    _ = EchoAsync(connection);
}

return 0;

static async Task EchoAsync(SocketConnection connection)
{
    await using (connection)
    {
        Console.WriteLine($"Connected by {PythonRepr.Address(connection.RemoteEndPoint)}");
        try
        {
            PipeReader input = connection.Transport.Input;
            PipeWriter output = connection.Transport.Output;
            while (true)
            {
                ReadResult result = await input.ReadAsync();
                foreach (ReadOnlyMemory<byte> segment in result.Buffer)
                {
                    output.Write(segment.Span);
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
            Console.Error.WriteLine($"Connection to {PythonRepr.Address(connection.RemoteEndPoint)} failed: {ex.Message}");
        }
    }
}
