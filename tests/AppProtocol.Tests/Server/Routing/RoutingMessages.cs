using System.Buffers;
using System.Text;
using System.Text.Json.Serialization;
using AppProtocol.Framing;

namespace AppProtocol.Tests.Server.Routing;

/// <summary>A query with a limit: the whole object of a <c>{"type": "query", ...}</c> request.</summary>
public sealed record Query(string Text, int Limit);

/// <summary>An answer with a count.</summary>
public sealed record Counted(int Count);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(Query))]
[JsonSerializable(typeof(Counted))]
[JsonSerializable(typeof(AppProtocol.Tests.Support.SearchResponse))]
internal sealed partial class RoutingJsonContext : JsonSerializerContext;

/// <summary>Request frames with any JSON text as content.</summary>
public static class JsonRequests
{
    public static byte[] Json(string content, string encoding = ContentTypes.Utf8Encoding)
    {
        byte[] bytes = encoding == ContentTypes.Utf8Encoding ? Encoding.UTF8.GetBytes(content) : Encoding.Unicode.GetBytes(content);
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.Write(output, new FrameHeader(ContentTypes.Json, encoding, bytes.Length), bytes);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>The error message of an error reply.</summary>
    public static string? ErrorMessage(Frame frame) => FrameErrors.TryGetError(frame.Header, out _, out string? message) ? message : null;
}
