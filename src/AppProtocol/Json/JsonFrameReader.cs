using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;
using AppProtocol.Framing;

namespace AppProtocol.Json;

/// <summary>Reads the <c>text/json</c> content of a frame as a typed value, decoding it with the frame's <c>content-encoding</c>.</summary>
/// <remarks>
/// UTF-8 content (<c>utf-8</c> in any spelling Python accepts) is parsed in place, without copying. Other encodings
/// .NET ships (utf-16 and utf-32 with or without BOM, ascii, latin-1) are decoded strictly first. The whole content
/// must be one JSON value, as Python's <c>json.loads</c> requires; a leading byte order mark is an error except
/// where the encoding consumes it (<c>utf-8-sig</c>, <c>utf-16</c>, <c>utf-32</c>).
/// </remarks>
public static class JsonFrameReader
{
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>Deserializes the content with source-generated metadata (trim- and AOT-safe).</summary>
    /// <typeparam name="T">The content's type.</typeparam>
    /// <param name="frame">A <c>text/json</c> frame.</param>
    /// <param name="typeInfo">Serialization metadata.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ProtocolException">The frame is not <c>text/json</c> (<see cref="ProtocolError.NotJsonContent"/>), its encoding is unknown (<see cref="ProtocolError.UnsupportedContentEncoding"/>), or its content is not one valid JSON value in that encoding (<see cref="ProtocolError.InvalidContent"/>).</exception>
    public static T? Read<T>(in Frame frame, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        FrameHeader header = frame.Header;
        if (!header.IsJson)
        {
            throw new ProtocolException(ProtocolError.NotJsonContent, $"The content-type is '{header.ContentType}', not '{ContentTypes.Json}'.");
        }

        ReadOnlySequence<byte> content = frame.Content;
        TextContentEncoding encoding;
        if (header.ContentEncoding == ContentTypes.Utf8Encoding)
        {
            encoding = TextContentEncoding.Utf8;
        }
        else
        {
            // Only other encodings look at the first bytes, for a byte order mark.
            Span<byte> start = stackalloc byte[4];
            start = start[..(int)Math.Min(4, content.Length)];
            content.Slice(0, start.Length).CopyTo(start);
            encoding = TextContentEncoding.Find(header.ContentEncoding, header.ByteOrder, start, out int bomLength)
                ?? throw new ProtocolException(ProtocolError.UnsupportedContentEncoding, $"Unsupported content-encoding '{header.ContentEncoding}' for text/json content.");
            content = content.Slice(bomLength);
        }

        try
        {
            return encoding.IsUtf8 ? ReadUtf8(content, typeInfo) : ReadTranscoded(content, encoding.Encoding, typeInfo);
        }
        catch (JsonException ex)
        {
            throw new ProtocolException(ProtocolError.InvalidContent, $"The text/json content is not valid JSON: {ex.Message}", ex);
        }
        catch (DecoderFallbackException ex)
        {
            throw new ProtocolException(ProtocolError.InvalidContent, $"The text/json content is not valid '{header.ContentEncoding}' text.", ex);
        }
    }

    /// <summary>Deserializes the content by reflection.</summary>
    /// <typeparam name="T">The content's type.</typeparam>
    /// <param name="frame">A <c>text/json</c> frame.</param>
    /// <param name="options">Serializer options; <see cref="JsonSerializerOptions.Default"/> when <see langword="null"/>.</param>
    /// <returns>The value.</returns>
    [RequiresUnreferencedCode("Reflection-based deserialization; use the JsonTypeInfo overload in trimmed apps.")]
    [RequiresDynamicCode("Reflection-based deserialization; use the JsonTypeInfo overload in native AOT apps.")]
    public static T? Read<T>(in Frame frame, JsonSerializerOptions? options = null) =>
        Read(frame, (JsonTypeInfo<T>)(options ?? JsonSerializerOptions.Default).GetTypeInfo(typeof(T)));

    private static T? ReadUtf8<T>(in ReadOnlySequence<byte> content, JsonTypeInfo<T> typeInfo)
    {
        ValidateUtf8(content);
        if (content.IsSingleSegment)
        {
            // One pass, and the serializer itself refuses data after the value. The reader overload below first
            // skips the whole value to find its end, then parses it again.
            return JsonSerializer.Deserialize(content.FirstSpan, typeInfo);
        }

        JsonSerializerOptions options = typeInfo.Options;
        var reader = new Utf8JsonReader(content, new JsonReaderOptions
        {
            AllowTrailingCommas = options.AllowTrailingCommas,
            CommentHandling = options.ReadCommentHandling,
            MaxDepth = options.MaxDepth,
        });

        T? value = JsonSerializer.Deserialize(ref reader, typeInfo);

        // The serializer stops after one value; json.loads refuses anything but whitespace after it, and so do we.
        if (reader.Read())
        {
            throw new ProtocolException(ProtocolError.InvalidContent, "The text/json content has data after its JSON value.");
        }

        return value;
    }

    /// <summary>Refuses UTF-8 content that starts with a byte order mark or is not valid UTF-8, as <c>json.loads</c> does; also used by the JSON action router.</summary>
    internal static void ValidateUtf8(in ReadOnlySequence<byte> content)
    {
        if (content.FirstSpan.StartsWith(Utf8Bom) || (!content.IsSingleSegment && content.Length >= 3 && StartsWithBom(content)))
        {
            throw new ProtocolException(ProtocolError.InvalidContent, "The text/json content starts with a byte order mark; its content-encoding would have to be 'utf-8-sig'.");
        }

        bool valid = content.IsSingleSegment ? Utf8.IsValid(content.FirstSpan) : IsValidUtf8(content);
        if (!valid)
        {
            throw new ProtocolException(ProtocolError.InvalidContent, "The text/json content is not valid UTF-8.");
        }
    }

    private static bool StartsWithBom(in ReadOnlySequence<byte> content)
    {
        Span<byte> start = stackalloc byte[3];
        content.Slice(0, 3).CopyTo(start);
        return start.SequenceEqual(Utf8Bom);
    }

    private static bool IsValidUtf8(in ReadOnlySequence<byte> content)
    {
        // Convert (unlike GetCharCount) keeps a character split across segments in the decoder's state.
        Decoder decoder = TextEncodings.Utf8Decoder;
        decoder.Reset();
        Span<char> scratch = stackalloc char[256];
        try
        {
            foreach (ReadOnlyMemory<byte> segment in content)
            {
                for (ReadOnlySpan<byte> bytes = segment.Span; !bytes.IsEmpty;)
                {
                    decoder.Convert(bytes, scratch, flush: false, out int used, out _, out _);
                    bytes = bytes[used..];
                }
            }

            decoder.Convert([], scratch, flush: true, out _, out _, out _);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static T? ReadTranscoded<T>(in ReadOnlySequence<byte> content, Encoding encoding, JsonTypeInfo<T> typeInfo)
    {
        char[] chars = ArrayPool<char>.Shared.Rent(encoding.GetMaxCharCount(checked((int)content.Length)));
        try
        {
            int count = EncodingExtensions.GetChars(encoding, content, chars.AsSpan());
            ReadOnlySpan<char> text = chars.AsSpan(0, count);
            if (text.StartsWith('\uFEFF'))
            {
                throw new ProtocolException(ProtocolError.InvalidContent, "The text/json content starts with a byte order mark its encoding does not consume.");
            }

            return JsonSerializer.Deserialize(text, typeInfo);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private static class TextEncodings
    {
        public static readonly Encoding StrictUtf8 = new UTF8Encoding(false, true);

        [ThreadStatic]
        private static Decoder? _utf8Decoder;

        // One per thread, reset before each use, so segmented content allocates no decoder per frame.
        public static Decoder Utf8Decoder => _utf8Decoder ??= StrictUtf8.GetDecoder();
    }
}
