using System.Buffers;
using System.Text;
using System.Text.Json;

namespace AppProtocol.Framing;

/// <summary>
/// The error reply convention (docs/PROTOCOL.md): an ordinary <c>text/json</c> frame whose header carries the extra
/// members <c>"error"</c> (a code) and <c>"error-message"</c>, and whose content is
/// <c>{"error": code, "message": text}</c>. A reference peer decodes it as any other frame.
/// </summary>
public static class FrameErrors
{
    /// <summary>The header member that carries the error code; its presence marks an error reply.</summary>
    public const string CodeMember = "error";

    /// <summary>The header member that carries the error's message.</summary>
    public const string MessageMember = "error-message";

    /// <summary>The request was rejected: its content is invalid, or it asks for something the server does not do. Retrying it unchanged fails again.</summary>
    public const string BadRequest = "bad-request";

    /// <summary>The server failed while handling the request (a bug on its side); the request may or may not have had effects.</summary>
    public const string ServerError = "server-error";

    /// <summary>The server will not handle the request now (for example, it is shutting down); the request had no effect.</summary>
    public const string Unavailable = "unavailable";

    /// <summary>Writes an error reply frame.</summary>
    /// <param name="output">Where the bytes go.</param>
    /// <param name="code">The error code, for example <see cref="BadRequest"/>.</param>
    /// <param name="message">A message for people.</param>
    public static void Write(IBufferWriter<byte> output, string code, string message) => Write(output, code, message, closesConnection: false);

    /// <summary>Writes an error reply frame, with <c>"connection": "close"</c> when it is the connection's last.</summary>
    internal static void Write(IBufferWriter<byte> output, string code, string message, bool closesConnection)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentException.ThrowIfNullOrEmpty(code);
        ArgumentNullException.ThrowIfNull(message);
        var members = new Dictionary<string, JsonElement>(2, StringComparer.Ordinal)
        {
            [CodeMember] = StringElement(code),
            [MessageMember] = StringElement(message),
        };
        if (closesConnection)
        {
            members[ConnectionMember.Name] = ConnectionMember.CloseOnly[ConnectionMember.Name];
        }

        var content = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(content, new JsonWriterOptions { Encoder = Json.RawUtf8JsonEncoder.Instance }))
        {
            json.WriteStartObject();
            json.WriteString("error", code);
            json.WriteString("message", message);
            json.WriteEndObject();
        }

        FrameWriter.Write(output, FrameHeader.Json(content.WrittenCount) with { ExtraMembers = members }, content.WrittenSpan);
    }

    /// <summary>Reads the error code and message of an error reply.</summary>
    /// <param name="header">A frame's header.</param>
    /// <param name="code">The code, when the header has one.</param>
    /// <param name="message">The message, or <see langword="null"/> when the header has none.</param>
    /// <returns>Whether the frame is an error reply (its header has a string <c>"error"</c> member).</returns>
    public static bool TryGetError(in FrameHeader header, out string code, out string? message)
    {
        code = "";
        message = null;
        if (header.ExtraMembers is not { } extra
            || !extra.TryGetValue(CodeMember, out JsonElement codeElement)
            || codeElement.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        code = codeElement.GetString()!;
        if (extra.TryGetValue(MessageMember, out JsonElement messageElement) && messageElement.ValueKind == JsonValueKind.String)
        {
            message = messageElement.GetString();
        }

        return true;
    }

    private static JsonElement StringElement(string value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Json.RawUtf8JsonEncoder.Instance }))
        {
            json.WriteStringValue(value);
        }

        return JsonElement.Parse(Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}
