using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AppProtocol.Framing;

namespace AppProtocol.Json;

/// <summary>Writes <c>text/json</c> frames whose content is a serialized value, in UTF-8.</summary>
/// <remarks>
/// The header carries the content's length ahead of the content. Content of up to 4,096 bytes is serialized straight
/// into the output's memory, behind room reserved for the header, which is written in front once the length is
/// known; nothing is copied. Larger content is serialized into a per-thread pooled buffer reused from frame to
/// frame, then copied once after the header. Either way nothing is allocated per frame.
/// </remarks>
public static class JsonFrameWriter
{
    // Utf8JsonWriter asks its output for 4,096 bytes at a time: content that fits one such request is written in place.
    private const int InPlaceCapacity = 4096;

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
            if (!TryWriteInPlace(output, value, typeInfo, extraMembers, scratch))
            {
                scratch.Writer.Reset(scratch.Buffer);
                JsonSerializer.Serialize(scratch.Writer, value, typeInfo);
                ReadOnlySpan<byte> content = scratch.Buffer.WrittenSpan;
                FrameWriter.Write(output, FrameHeader.Json(content.Length) with { ExtraMembers = extraMembers }, content);
            }
        }
        finally
        {
            scratch.Buffer.Reset();
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

    private static bool TryWriteInPlace<T>(IBufferWriter<byte> output, T value, JsonTypeInfo<T> typeInfo, IReadOnlyDictionary<string, JsonElement>? extraMembers, Scratch scratch)
    {
        // Room for a header whose content-length has as many digits as the largest content that fits.
        FrameHeader header = FrameHeader.Json(InPlaceCapacity) with { ExtraMembers = extraMembers };
        int reserved = 2 + HeaderWriter.GetLength(header);
        Memory<byte> memory = output.GetMemory(reserved + InPlaceCapacity);
        if (memory.Length < reserved + InPlaceCapacity)
        {
            return false;
        }

        scratch.InPlace.Reset(memory.Slice(reserved, InPlaceCapacity));
        scratch.Writer.Reset(scratch.InPlace);
        try
        {
            JsonSerializer.Serialize(scratch.Writer, value, typeInfo);
        }
        catch (InPlaceOverflowException)
        {
            return false;
        }

        int length = scratch.InPlace.Written;
        header = header with { ContentLength = length };
        int headerLength = 2 + HeaderWriter.GetLength(header);
        Span<byte> frame = memory.Span;
        if (headerLength < reserved)
        {
            // A shorter length than the capacity took fewer digits: close the gap between header and content.
            frame.Slice(reserved, length).CopyTo(frame[headerLength..]);
        }

        FrameWriter.FormatHeader(header, frame[..headerLength]);
        output.Advance(headerLength + length);
        return true;
    }

    private sealed class Scratch
    {
        public PooledBufferWriter Buffer { get; } = new();

        public InPlaceBufferWriter InPlace { get; } = new();

        // Non-ASCII text is written as raw UTF-8, as the reference does (ensure_ascii=False).
        public Utf8JsonWriter Writer { get; } = new(Stream.Null, new JsonWriterOptions { Encoder = RawUtf8JsonEncoder.Instance, SkipValidation = true });
    }

    /// <summary>A fixed piece of the output's memory; asking for more than is left abandons the in-place attempt.</summary>
    private sealed class InPlaceBufferWriter : IBufferWriter<byte>
    {
        private Memory<byte> _memory;

        public int Written { get; private set; }

        public void Reset(Memory<byte> memory)
        {
            _memory = memory;
            Written = 0;
        }

        public void Advance(int count) => Written += count;

        public Memory<byte> GetMemory(int sizeHint = 0) =>
            _memory.Length - Written >= Math.Max(sizeHint, 1) ? _memory[Written..] : throw new InPlaceOverflowException();

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
    }

    private sealed class InPlaceOverflowException : Exception;
}
