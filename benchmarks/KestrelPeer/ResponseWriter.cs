using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Text.Json;

namespace KestrelPeer;

/// <summary>Writes response frames (length, JSON header, content) with one reused header and content buffer per connection.</summary>
internal sealed class ResponseWriter(PipeWriter output)
{
    private readonly ArrayBufferWriter<byte> _header = new(128);
    private readonly ArrayBufferWriter<byte> _content = new(256);
    private Utf8JsonWriter? _headerJson;
    private Utf8JsonWriter? _contentJson;

    public void WriteJson(SearchResponse response)
    {
        _content.ResetWrittenCount();
        Utf8JsonWriter json = Reset(ref _contentJson, _content);
        JsonSerializer.Serialize(json, response, PeerJsonContext.Default.SearchResponse);
        Write("text/json", "utf-8", _content.WrittenSpan);
    }

    public void Write(string contentType, string contentEncoding, ReadOnlySpan<byte> content)
    {
        _header.ResetWrittenCount();
        Utf8JsonWriter json = Reset(ref _headerJson, _header);
        json.WriteStartObject();
        json.WriteString("byteorder"u8, BitConverter.IsLittleEndian ? "little"u8 : "big"u8);
        json.WriteString("content-type"u8, contentType);
        json.WriteString("content-encoding"u8, contentEncoding);
        json.WriteNumber("content-length"u8, content.Length);
        json.WriteEndObject();
        json.Flush();

        BinaryPrimitives.WriteUInt16BigEndian(output.GetSpan(2), (ushort)_header.WrittenCount);
        output.Advance(2);
        output.Write(_header.WrittenSpan);
        output.Write(content);
    }

    private static Utf8JsonWriter Reset(ref Utf8JsonWriter? writer, ArrayBufferWriter<byte> buffer)
    {
        if (writer is null)
        {
            writer = new Utf8JsonWriter(buffer);
        }
        else
        {
            writer.Reset(buffer);
        }

        return writer;
    }
}
