using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AppProtocol.Framing;
using AppProtocol.Server;
using AppProtocol.Tests.Server;

namespace AppProtocol.Tests.Client.Streaming;

/// <summary>Handlers and headers the streaming tests share.</summary>
public static class StreamingTestData
{
    public static int Port(TestServer server) => ((IPEndPoint)server.EndPoint).Port;

    /// <summary>Extra header members <c>"action"</c> and <c>"name"</c>, as the file-transfer sample's uploads carry.</summary>
    public static IReadOnlyDictionary<string, JsonElement> Members(string action, string name) => new Dictionary<string, JsonElement>
    {
        ["action"] = JsonSerializer.SerializeToElement(action, TestStringContext.Default.String),
        ["name"] = JsonSerializer.SerializeToElement(name, TestStringContext.Default.String),
    };

    /// <summary>Answers <c>{"sha256": "...", "length": n}</c> for the request's (buffered) content.</summary>
    public static ValueTask HashHandler(FrameExchange exchange, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (ReadOnlyMemory<byte> segment in exchange.Request.Content)
        {
            hash.AppendData(segment.Span);
        }

        string answer = $$"""{"sha256": "{{Convert.ToHexStringLower(hash.GetHashAndReset())}}", "length": {{exchange.Request.Content.Length}}}""";
        exchange.Respond(FrameHeader.Json(Encoding.UTF8.GetByteCount(answer)), Encoding.UTF8.GetBytes(answer));
        return ValueTask.CompletedTask;
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class TestStringContext : System.Text.Json.Serialization.JsonSerializerContext
{
}
