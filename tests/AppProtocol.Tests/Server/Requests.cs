using System.Buffers;
using System.Text;
using AppProtocol.Framing;
using AppProtocol.Json;
using AppProtocol.Samples;
using AppProtocol.Tests.Support;

namespace AppProtocol.Tests.Server;

/// <summary>Request frames for the tests, as bytes, in the reference's format (<c>{"action": "search", "value": ...}</c>, or binary).</summary>
public static class Requests
{
    public static byte[] Binary(string content) => Binary(Encoding.UTF8.GetBytes(content));

    public static byte[] Binary(byte[] content)
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.Write(output, FrameHeader.Binary(SampleContentTypes.ClientBinary, content.Length), content);
        return output.WrittenSpan.ToArray();
    }

    public static byte[] Search(string value)
    {
        var output = new ArrayBufferWriter<byte>();
        JsonFrameWriter.Write(output, new SearchRequest("search", value), TestJsonContext.Default.SearchRequest);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>A frame whose header is not JSON: the server must close the connection.</summary>
    public static byte[] BadHeader() => [0, 3, (byte)'n', (byte)'o', (byte)'!'];

    public static string Text(Frame frame) => Encoding.UTF8.GetString(frame.Content.ToArray());

    /// <summary>The error code of an error reply, or null for an ordinary frame.</summary>
    public static string? Error(Frame frame) => FrameErrors.TryGetError(frame.Header, out string code, out _) ? code : null;

    /// <summary>The <c>result</c> member of a JSON answer (the tests' <see cref="SearchHandler"/>'s, or the sample's: the same format).</summary>
    public static string Result(Frame frame) => JsonFrameReader.Read(frame, TestJsonContext.Default.SearchResponse)!.Result;
}
