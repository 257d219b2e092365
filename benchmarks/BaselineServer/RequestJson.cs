using System.Text.Json;

namespace BaselineServer;

/// <summary>Reads a request's header and search content: the reference's layout by <see cref="PlainJson"/>, anything else with <see cref="Utf8JsonReader"/>.</summary>
internal static class RequestJson
{
    public const int MaxContentLength = 16 * 1024 * 1024;

    // Longer actions are not ones this server knows; the full reader rejects them, so the plain reader leaves them to it.
    public const int MaxActionLength = 64;

    /// <summary>The header's <c>content-length</c> and whether its <c>content-type</c> is <c>text/json</c>; false when it is malformed.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> json, out int contentLength, out bool isJson)
    {
        if (PlainJson.TryReadHeader(json, MaxContentLength, out ReadOnlySpan<byte> contentType, out contentLength))
        {
            isJson = contentType.SequenceEqual("text/json"u8);
            return true;
        }

        return TryReadHeaderFully(json, out contentLength, out isJson);
    }

    /// <summary>The action (copied to <paramref name="actionBuffer"/> when it had to be parsed) and the value of search content; false when it is malformed.</summary>
    public static bool TryReadSearch(ReadOnlySpan<byte> json, Span<byte> actionBuffer, out ReadOnlySpan<byte> action, out ReadOnlySpan<byte> value)
    {
        if (PlainJson.TryReadSearch(json, out action, out value) && action.Length <= MaxActionLength)
        {
            return true;
        }

        return TryReadSearchFully(json, actionBuffer, out action, out value);
    }

    private static bool TryReadHeaderFully(ReadOnlySpan<byte> json, out int contentLength, out bool isJson)
    {
        contentLength = -1;
        isJson = false;
        bool typeSeen = false;
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("content-length"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out contentLength) || contentLength is < 0 or > MaxContentLength)
                    {
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("content-type"u8))
                {
                    reader.Read();
                    typeSeen = reader.TokenType == JsonTokenType.String;
                    isJson = typeSeen && reader.ValueTextEquals("text/json"u8);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            return contentLength >= 0 && typeSeen;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TryReadSearchFully(ReadOnlySpan<byte> json, Span<byte> actionBuffer, out ReadOnlySpan<byte> action, out ReadOnlySpan<byte> value)
    {
        int actionLength = -1;
        bool valueSeen = false;
        action = default;
        value = default;
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isAction = reader.ValueTextEquals("action"u8);
                bool isValue = !isAction && reader.ValueTextEquals("value"u8);
                reader.Read();
                if (isAction && reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && reader.ValueSpan.Length <= Math.Min(MaxActionLength, actionBuffer.Length))
                {
                    actionLength = reader.ValueSpan.Length;
                    reader.ValueSpan.CopyTo(actionBuffer);
                }
                else if (isValue && reader.TokenType == JsonTokenType.String)
                {
                    value = reader.ValueIsEscaped ? Unescape(ref reader) : reader.ValueSpan;
                    valueSeen = true;
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            return false;
        }

        action = actionLength >= 0 ? actionBuffer[..actionLength] : default;
        return actionLength >= 0 && valueSeen;
    }

    private static byte[] Unescape(ref Utf8JsonReader reader)
    {
        byte[] text = new byte[reader.ValueSpan.Length];
        return text[..reader.CopyString(text)];
    }
}
