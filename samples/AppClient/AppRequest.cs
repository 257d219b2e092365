using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AppProtocol.Framing;

namespace AppProtocol.Samples.AppClient;

/// <summary>Builds the request frame for <c>&lt;action&gt; &lt;value&gt;</c> as SPEC section 3 says.</summary>
public static class AppRequest
{
    // Raw UTF-8 for non-ASCII text, as the reference writes it.
    private static readonly SearchJsonContext Json = new(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    /// <summary>The serialization metadata of <see cref="SearchResponse"/>.</summary>
    public static System.Text.Json.Serialization.Metadata.JsonTypeInfo<SearchResponse> ResponseTypeInfo => Json.SearchResponse;

    /// <summary>The request: UTF-8 JSON <c>{"action": ..., "value": ...}</c> for <c>search</c>, otherwise binary content action + value.</summary>
    /// <param name="action">The action.</param>
    /// <param name="value">The value.</param>
    /// <returns>The request frame.</returns>
    public static Frame Create(string action, string value)
    {
        if (action == "search")
        {
            byte[] content = JsonSerializer.SerializeToUtf8Bytes(new SearchRequest(action, value), Json.SearchRequest);
            return new Frame(FrameHeader.Json(content.Length), content);
        }

        return Frame.Binary(ContentTypes.ClientBinary, Encoding.UTF8.GetBytes(action + value));
    }

    /// <summary>The frame's bytes on the wire.</summary>
    /// <param name="frame">The frame.</param>
    /// <returns>The encoded frame.</returns>
    public static byte[] Encode(in Frame frame)
    {
        var encoded = new ArrayBufferWriter<byte>();
        FrameWriter.Write(encoded, frame);
        return encoded.WrittenSpan.ToArray();
    }
}
