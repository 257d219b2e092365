using System.Buffers;
using System.Text;
using AppProtocol.Framing;

namespace AppProtocol.Samples.AppClient;

/// <summary>Builds the request frame for <c>&lt;action&gt; &lt;value&gt;</c> as SPEC section 3 says.</summary>
public static class AppRequest
{
    /// <summary>The request: UTF-8 JSON <c>{"action": "search", "value": ...}</c> for <c>search</c>, otherwise binary content action + value.</summary>
    /// <param name="action">The action.</param>
    /// <param name="value">The value.</param>
    /// <returns>The request frame.</returns>
    public static Frame Create(string action, string value)
    {
        if (action == "search")
        {
            // Laid out as the reference lays it out, so the frame is byte for byte the reference client's.
            byte[] content = Encoding.UTF8.GetBytes(PythonJson.Object(("action", action), ("value", value)));
            return new Frame(FrameHeader.Json(content.Length), content);
        }

        return Frame.Binary(SampleContentTypes.ClientBinary, Encoding.UTF8.GetBytes(action + value));
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
