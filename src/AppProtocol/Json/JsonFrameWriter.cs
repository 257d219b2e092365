using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AppProtocol.Framing;

namespace AppProtocol.Json;

/// <summary>Writes <c>text/json</c> frames whose content is a serialized value, in UTF-8.</summary>
/// <remarks>
/// The header carries the content's length ahead of the content, so the value is serialized first, once: into the
/// output's memory behind room reserved for the header, up to 4,096 bytes, then, if it is longer, on into a
/// per-thread pooled buffer reused from frame to frame. The header is written in front of the part in the output
/// (which moves by the few bytes the length's digits differ from the reservation), and the spilled part is copied
/// after it, once. Nothing is allocated per frame and nothing is thrown.
/// </remarks>
public static class JsonFrameWriter
{
    // Utf8JsonWriter asks its output for 4,096 bytes at a time: content that fits one such request is written in place.
    private const int InPlaceCapacity = 4096;

    // The digits of int.MaxValue, the most a pooled buffer holds, beyond those of InPlaceCapacity.
    private const int MaxExtraDigits = 10 - 4;

    [ThreadStatic]
    private static Scratch? _perThreadScratch;

    /// <summary>Writes a frame whose content is <paramref name="value"/> serialized with source-generated metadata (trim- and AOT-safe).</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="output">Where the bytes go.</param>
    /// <param name="value">The content.</param>
    /// <param name="typeInfo">Serialization metadata.</param>
    /// <param name="extraMembers">Header members beyond the required four, or <see langword="null"/>.</param>
    public static void Write<T>(IBufferWriter<byte> output, T value, JsonTypeInfo<T> typeInfo, IReadOnlyDictionary<string, JsonElement>? extraMembers = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(typeInfo);

        // Take the scratch for the duration, so a serializer that re-enters this method gets its own.
        Scratch scratch = _perThreadScratch ?? new Scratch();
        _perThreadScratch = null;
        try
        {
            WriteFrame(output, value, typeInfo, extraMembers, scratch);
        }
        finally
        {
            scratch.Spill.Reset();
            _perThreadScratch = scratch;
        }
    }

    /// <summary>Writes a frame whose content is <paramref name="value"/> serialized by reflection.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="output">Where the bytes go.</param>
    /// <param name="value">The content.</param>
    /// <param name="options">Serializer options; <see cref="JsonSerializerOptions.Default"/> when <see langword="null"/>.</param>
    [RequiresUnreferencedCode("Reflection-based serialization; use the JsonTypeInfo overload in trimmed apps.")]
    [RequiresDynamicCode("Reflection-based serialization; use the JsonTypeInfo overload in native AOT apps.")]
    public static void Write<T>(IBufferWriter<byte> output, T value, JsonSerializerOptions? options = null) =>
        Write(output, value, (JsonTypeInfo<T>)(options ?? JsonSerializerOptions.Default).GetTypeInfo(typeof(T)));

    private static void WriteFrame<T>(IBufferWriter<byte> output, T value, JsonTypeInfo<T> typeInfo, IReadOnlyDictionary<string, JsonElement>? extraMembers, Scratch scratch)
    {
        // Room for a header whose content-length has as many digits as the largest content that fits, and after the
        // room for the content the few bytes a longer length (content that spilled) moves it by.
        FrameHeader header = FrameHeader.Json(InPlaceCapacity) with { ExtraMembers = extraMembers };
        int reserved = 2 + HeaderWriter.GetLength(header);
        Memory<byte> memory = output.GetMemory(reserved + InPlaceCapacity + MaxExtraDigits);
        int inPlaceRoom = Math.Clamp(memory.Length - reserved - MaxExtraDigits, 0, InPlaceCapacity);

        scratch.Output.Reset(memory.Slice(Math.Min(reserved, memory.Length), inPlaceRoom));
        scratch.Writer.Reset(scratch.Output);
        JsonSerializer.Serialize(scratch.Writer, value, typeInfo);

        int inPlace = scratch.Output.InPlaceWritten;
        ReadOnlySpan<byte> spilled = scratch.Spill.WrittenSpan;
        header = header with { ContentLength = inPlace + spilled.Length };
        if (inPlace == 0)
        {
            // Nothing in the output's memory (the serializer's first request was larger than the room): one copy.
            FrameWriter.Write(output, header, spilled);
            return;
        }

        int headerLength = 2 + HeaderWriter.GetLength(header);
        Span<byte> frame = memory.Span;
        if (headerLength != reserved)
        {
            // The length took fewer or more digits than reserved: move the content up against the header.
            frame.Slice(reserved, inPlace).CopyTo(frame[headerLength..]);
        }

        FrameWriter.FormatHeader(header, frame[..headerLength]);
        output.Advance(headerLength + inPlace);
        if (!spilled.IsEmpty)
        {
            output.Write(spilled);
        }
    }

    private sealed class Scratch
    {
        public Scratch() => Output = new SpillingBufferWriter(Spill);

        public PooledBufferWriter Spill { get; } = new();

        public SpillingBufferWriter Output { get; }

        // Non-ASCII text is written as raw UTF-8, as the reference does (ensure_ascii=False).
        public Utf8JsonWriter Writer { get; } = new(Stream.Null, new JsonWriterOptions { Encoder = RawUtf8JsonEncoder.Instance, SkipValidation = true });
    }
}
