using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;

namespace AppProtocol.Framing;

/// <summary>Reads a JSON header straight from its UTF-8 bytes; the required members become typed fields with no intermediate strings.</summary>
/// <remarks>
/// Strict wherever two readers could disagree about where a frame ends: duplicate members (also through escapes),
/// non-integer lengths, a byte order mark, invalid UTF-8 and trailing data are errors, not guesses.
/// </remarks>
internal sealed class HeaderParser
{
    private const string ByteOrderName = "byteorder";
    private const string ContentLengthName = "content-length";
    private const string ContentTypeName = "content-type";
    private const string ContentEncodingName = "content-encoding";

    private readonly FrameLimits _limits;
    private readonly JsonReaderOptions _readerOptions;

    public HeaderParser(FrameLimits limits)
    {
        _limits = limits;

        // One more level than our own limit, so that HeaderTooDeep, not the reader's message, reports a deep header.
        _readerOptions = new JsonReaderOptions { MaxDepth = limits.MaxHeaderDepth + 1 };
    }

    [Flags]
    private enum Members
    {
        None = 0,
        ByteOrder = 1,
        ContentLength = 2,
        ContentType = 4,
        ContentEncoding = 8,
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    public FrameHeader Parse(in ReadOnlySequence<byte> header)
    {
        if (header.IsSingleSegment)
        {
            return Parse(header.FirstSpan);
        }

        // A header split across buffer segments is rare: gather it into pooled memory rather than parse a sequence.
        int length = (int)header.Length;
        byte[] rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            header.CopyTo(rented);
            return Parse(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private FrameHeader Parse(ReadOnlySpan<byte> json)
    {
        if (json.StartsWith(Utf8Bom))
        {
            throw new ProtocolException(ProtocolError.HeaderByteOrderMark, "The JSON header starts with a UTF-8 byte order mark.");
        }

        if (!Utf8.IsValid(json))
        {
            throw new ProtocolException(ProtocolError.InvalidHeaderEncoding, "The JSON header is not valid UTF-8.");
        }

        return PlainHeaderReader.TryRead(json, _limits.MaxContentLength, out FrameHeader plain) ? plain : ParseWithJsonReader(json);
    }

    /// <summary>The full reader, for any header; <see cref="Parse(in ReadOnlySequence{byte})"/> tries <see cref="PlainHeaderReader"/> first.</summary>
    internal FrameHeader ParseWithJsonReader(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, _readerOptions);
        try
        {
            FrameHeader header = ReadObject(ref reader);
            if (reader.Read())
            {
                throw new ProtocolException(ProtocolError.InvalidHeaderJson, "The JSON header has data after its object.");
            }

            return header;
        }
        catch (JsonException ex)
        {
            throw new ProtocolException(ProtocolError.InvalidHeaderJson, $"The JSON header is not valid JSON: {ex.Message}", ex);
        }
        catch (InvalidOperationException ex)
        {
            // The reader's verdict on an escaped lone surrogate ("\ud800"), in a name or a value, when it unescapes or
            // compares it: valid JSON syntax, but no character that UTF-8 (or the reference's reply) could hold.
            throw new ProtocolException(ProtocolError.InvalidHeaderEncoding, "The JSON header has a string escaping an unpaired surrogate.", ex);
        }
    }

    private FrameHeader ReadObject(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new ProtocolException(ProtocolError.HeaderNotObject, $"The JSON header is a {Describe(reader.TokenType)}, not an object.");
        }

        Members seen = Members.None;
        FrameByteOrder byteOrder = default;
        long contentLength = 0;
        string? contentType = null;
        string? contentEncoding = null;
        Dictionary<string, JsonElement>? extra = null;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("byteorder"u8))
            {
                See(ref seen, Members.ByteOrder, ByteOrderName, ref reader);
                byteOrder = ReadByteOrder(ref reader);
            }
            else if (reader.ValueTextEquals("content-length"u8))
            {
                See(ref seen, Members.ContentLength, ContentLengthName, ref reader);
                contentLength = ReadContentLength(ref reader);
            }
            else if (reader.ValueTextEquals("content-type"u8))
            {
                See(ref seen, Members.ContentType, ContentTypeName, ref reader);
                contentType = ReadString(ref reader, ContentTypeName);
            }
            else if (reader.ValueTextEquals("content-encoding"u8))
            {
                See(ref seen, Members.ContentEncoding, ContentEncodingName, ref reader);
                contentEncoding = ReadString(ref reader, ContentEncodingName);
            }
            else
            {
                string name = reader.GetString()!;
                reader.Read();
                CheckDepth(reader, _limits.MaxHeaderDepth);
                extra ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                if (!extra.TryAdd(name, JsonElement.ParseValue(ref reader)))
                {
                    throw Duplicate(name);
                }
            }
        }

        // The reference checks in this order, so the first missing member named matches its message.
        RequireSeen(seen, Members.ByteOrder, ByteOrderName);
        RequireSeen(seen, Members.ContentLength, ContentLengthName);
        RequireSeen(seen, Members.ContentType, ContentTypeName);
        RequireSeen(seen, Members.ContentEncoding, ContentEncodingName);
        return new FrameHeader
        {
            ByteOrder = byteOrder,
            ContentLength = contentLength,
            ContentType = contentType!,
            ContentEncoding = contentEncoding!,
            ExtraMembers = extra,
        };
    }

    private static void See(ref Members seen, Members member, string name, ref Utf8JsonReader reader)
    {
        if ((seen & member) != 0)
        {
            throw Duplicate(name);
        }

        seen |= member;
        reader.Read();
    }

    private static void RequireSeen(Members seen, Members member, string name)
    {
        if ((seen & member) == 0)
        {
            throw new ProtocolException(ProtocolError.MissingRequiredHeader, $"Missing required header '{name}'.");
        }
    }

    private static ProtocolException Duplicate(string name) =>
        new(ProtocolError.DuplicateHeader, $"Duplicate header '{name}'.");

    private static FrameByteOrder ReadByteOrder(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            if (reader.ValueTextEquals("little"u8))
            {
                return FrameByteOrder.Little;
            }

            if (reader.ValueTextEquals("big"u8))
            {
                return FrameByteOrder.Big;
            }
        }

        throw new ProtocolException(ProtocolError.InvalidHeaderValue, "Header 'byteorder' must be the string \"little\" or \"big\".");
    }

    private long ReadContentLength(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            throw new ProtocolException(ProtocolError.InvalidHeaderValue, $"Header 'content-length' must be an integer, not a {Describe(reader.TokenType)}.");
        }

        ReadOnlySpan<byte> number = reader.ValueSpan;
        if (number.IndexOfAny("eE."u8) >= 0)
        {
            throw new ProtocolException(ProtocolError.InvalidContentLength, "Header 'content-length' must be an integer, without a fraction or exponent.");
        }

        if (!reader.TryGetInt64(out long length))
        {
            throw new ProtocolException(ProtocolError.InvalidContentLength, "Header 'content-length' is beyond 64 bits.");
        }

        if (length < 0)
        {
            throw new ProtocolException(ProtocolError.InvalidContentLength, $"Header 'content-length' is negative ({length}).");
        }

        if (length > _limits.MaxContentLength)
        {
            throw new ProtocolException(ProtocolError.ContentTooLarge, $"Header 'content-length' is {length}, more than the limit of {_limits.MaxContentLength}.");
        }

        return length;
    }

    private string ReadString(ref Utf8JsonReader reader, string name)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new ProtocolException(ProtocolError.InvalidHeaderValue, $"Header '{name}' must be a string, not a {Describe(reader.TokenType)}.");
        }

        return reader.ValueIsEscaped ? reader.GetString()! : Utf8StringCache.GetString(reader.ValueSpan);
    }

    // Walks a copy of the reader over one value, so that depth fails with its own reason before the value is materialized.
    private static void CheckDepth(Utf8JsonReader probe, int maxDepth)
    {
        if (probe.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return;
        }

        int start = probe.CurrentDepth;
        do
        {
            // A container's CurrentDepth counts the containers around it, so the header object itself is depth 0.
            if (probe.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && probe.CurrentDepth >= maxDepth)
            {
                throw new ProtocolException(ProtocolError.HeaderTooDeep, $"The JSON header nests deeper than {maxDepth} levels.");
            }
        }
        while (probe.Read() && !(probe.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray && probe.CurrentDepth == start));
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "array",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "object",
        _ => token.ToString(),
    };
}
