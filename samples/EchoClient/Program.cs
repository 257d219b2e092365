using System.Globalization;
using System.Net.Sockets;
using System.Text;
using AppProtocol.Samples;

// echo-client [host] [port]: sends "Hello, world" to an echo server and prints what came back (raw bytes, no frames).
string host = args.Length > 0 ? args[0] : "127.0.0.1";
int port = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 65432;
byte[] message = Encoding.ASCII.GetBytes("Hello, world");

try
{
    using var client = new TcpClient();
    await client.ConnectAsync(host, port);
    NetworkStream stream = client.GetStream();
    await stream.WriteAsync(message);

    // Read until the whole message is back (TCP may split it) or the server closes.
    byte[] received = new byte[1024];
    int total = 0;
    while (total < message.Length)
    {
        int read = await stream.ReadAsync(received.AsMemory(total));
        if (read == 0)
        {
            break;
        }

        total += read;
    }

    Console.WriteLine($"Received {PythonRepr.Bytes(received.AsSpan(0, total))}");
    return 0;
}
catch (SocketException ex)
{
    Console.Error.WriteLine($"Error: could not talk to {host}:{port}: {ex.Message}");
    return 2;
}
catch (IOException ex)
{
    Console.Error.WriteLine($"Error: the connection to {host}:{port} failed: {ex.Message}");
    return 2;
}
