// <readme:use-the-client>
using System.Text.Json.Serialization;
using AppProtocol.Client;
using AppProtocol.Framing;
// </readme:use-the-client>

namespace ReadmeSnippets.UseTheClient;

/// <summary>The README's "Use the client": a binary and a JSON request to a server on port 65432.</summary>
public static class Snippet
{
    /// <summary>Runs the README's program.</summary>
    /// <param name="server">For the tests: the server to ask instead of localhost:65432.</param>
    /// <returns>The binary request's reply's content type and the JSON request's result.</returns>
    public static async Task<(string ContentType, string? Result)> RunAsync(System.Net.IPEndPoint? server = null)
    {
        // <readme:use-the-client>
        var options = new FrameClientOptions { Host = "localhost", Port = 65432 };   // TLS: UseTls = true; Unix sockets: UnixSocketPath
        // </readme:use-the-client>
        if (server is not null)
        {
            options = new FrameClientOptions { Host = server.Address.ToString(), Port = server.Port };
        }

        // <readme:use-the-client>
        await using var client = new FrameClient(options);
        Frame reply = await client.SendAsync(Frame.Binary("binary/custom-client-binary-type", "foobar"u8.ToArray()));
        Reply? answer = await client.SendJsonAsync(new Search("search", "morpheus"), ClientJson.Default.Search, ClientJson.Default.Reply);
        Console.WriteLine($"{reply.Header.ContentType}, {answer?.Result}");
        // </readme:use-the-client>
        return (reply.Header.ContentType, answer?.Result);
    }
}

// <readme:use-the-client>
record Search(string Action, string Value);            // {"action": "search", "value": "morpheus"}, as the reference client sends
record Reply(string Result);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Search))]
[JsonSerializable(typeof(Reply))]
partial class ClientJson : JsonSerializerContext;
// </readme:use-the-client>
