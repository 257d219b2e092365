using System.Buffers;
using System.Globalization;
using System.Text;
using AppProtocol.Client;
using AppProtocol.Framing;
using AppProtocol.Json;
using AppProtocol.Samples;
using AppProtocol.Samples.AppClient;

// app-client <host> <port> <action> <value>: one request to an application server, printed like the reference client.
Console.OutputEncoding = Encoding.UTF8;
if (args.Length != 4)
{
    Console.WriteLine("Usage: app-client <host> <port> <action> <value>");
    return 1;
}

string host = args[0];
if (!int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
{
    Console.Error.WriteLine($"Error: invalid port '{args[1]}'.");
    return 1;
}

string address = $"('{host}', {port})";
Frame request = AppRequest.Create(args[2], args[3]);
Console.WriteLine($"Starting connection to {address}");
try
{
    await using var client = new FrameClient(new FrameClientOptions { Host = host, Port = port });
    Console.WriteLine($"Sending {PythonRepr.Bytes(AppRequest.Encode(request))} to {address}");
    Frame response = await client.SendAsync(request);
    if (response.Header.IsJson)
    {
        SearchResponse? answer = JsonFrameReader.Read(response, SearchJsonContext.Default.SearchResponse);
        Console.WriteLine($"Got result: {answer?.Result}");
    }
    else
    {
        Console.WriteLine($"Got response: {PythonRepr.Bytes(response.Content.ToArray())}");
    }

    Console.WriteLine($"Closing connection to {address}");
    return 0;
}
catch (FrameClientException ex)
{
    Console.Error.WriteLine($"Error: {ex.Message}");
    return 2;
}
catch (ProtocolException ex)
{
    Console.Error.WriteLine($"Error: the server's answer broke the protocol ({ex.Error}): {ex.Message}");
    return 3;
}
catch (TimeoutException ex)
{
    Console.Error.WriteLine($"Error: {ex.Message}");
    return 4;
}
