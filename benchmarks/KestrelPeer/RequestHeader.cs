using System.Buffers;
using System.Text.Json;

namespace KestrelPeer;

/// <summary>The members of a request header this server needs, read with Utf8JsonReader.</summary>
internal readonly record struct RequestHeader(string? ContentType, long ContentLength)
{
    public static RequestHeader Parse(ReadOnlySequence<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        string? contentType = null;
        long contentLength = -1;
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("content-type"u8))
            {
                reader.Read();
                contentType = reader.GetString();
            }
            else if (reader.ValueTextEquals("content-length"u8))
            {
                reader.Read();
                contentLength = reader.GetInt64();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new RequestHeader(contentType, contentLength);
    }
}
