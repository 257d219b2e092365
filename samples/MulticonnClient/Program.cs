using System.Globalization;
using System.Net.Sockets;
using System.Text;
using AppProtocol.Samples;

// multiconn-client <host> <port> <num_connections>: opens that many connections at once, sends two messages
// on each and closes each once all its bytes came back (raw bytes, no frames).
if (args.Length != 3)
{
    Console.WriteLine("Usage: multiconn-client <host> <port> <num_connections>");
    return 1;
}

string host = args[0];
if (!int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out int port)
    || !int.TryParse(args[2], NumberStyles.None, CultureInfo.InvariantCulture, out int count))
{
    Console.Error.WriteLine("Error: <port> and <num_connections> must be numbers.");
    return 1;
}

byte[][] messages = [Encoding.ASCII.GetBytes("Message 1 from client."), Encoding.ASCII.GetBytes("Message 2 from client.")];
var output = TextWriter.Synchronized(Console.Out);

try
{
    await Task.WhenAll(Enumerable.Range(1, count).Select(RunConnectionAsync));
    return 0;
}
catch (Exception ex) when (ex is SocketException or IOException)
{
    Console.Error.WriteLine($"Error: {ex.Message}");
    return 2;
}

async Task RunConnectionAsync(int id)
{
    output.WriteLine($"Starting connection {id} to ('{host}', {port})");
    using var client = new TcpClient();
    await client.ConnectAsync(host, port);
    NetworkStream stream = client.GetStream();
    int expected = 0;
    foreach (byte[] message in messages)
    {
        output.WriteLine($"Sending {PythonRepr.Bytes(message)} to connection {id}");
        await stream.WriteAsync(message);
        expected += message.Length;
    }

    byte[] buffer = new byte[1024];
    int received = 0;
    while (received < expected)
    {
        int read = await stream.ReadAsync(buffer);
        if (read == 0)
        {
            break;
        }

        received += read;
        output.WriteLine($"Received {PythonRepr.Bytes(buffer.AsSpan(0, read))} from connection {id}");
    }

    output.WriteLine($"Closing connection {id}");
}
