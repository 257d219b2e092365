using System.Buffers;
using System.Text;
using AppProtocol.Client;
using AppProtocol.Framing;
using AppProtocol.Json;
using AppProtocol.Samples;
using AppProtocol.Samples.AppClient;

// app-client <host> <port> <action> <value>: one request to an application server, printed like the reference client.
Console.OutputEncoding = Encoding.UTF8;
if (ClientArguments.Parse(args, out string? error) is not { } arguments)
{
    if (!string.IsNullOrEmpty(error))
    {
        Console.Error.WriteLine(error);
    }

    if (error is "" or null || !error.StartsWith("Error: invalid port", StringComparison.Ordinal))
    {
        Console.WriteLine(ClientArguments.Usage);
    }

    return 1;
}

string address = $"('{arguments.Host}', {arguments.Port})";
Frame request = AppRequest.Create(arguments.Action, arguments.Value);
Console.WriteLine($"Starting connection to {address}");
try
{
    await using var client = new FrameClient(arguments.ToOptions());
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
catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or FileNotFoundException or DirectoryNotFoundException)
{
    Console.Error.WriteLine($"Error: cannot load a TLS file: {ex.Message}");
    return 1;
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
