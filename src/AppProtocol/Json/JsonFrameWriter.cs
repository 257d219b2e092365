using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AppProtocol.Framing;

namespace AppProtocol.Json;

/// <summary>Writes <c>text/json</c> frames whose content is a serialized value, in UTF-8.</summary>
/// <remarks>
/// The header carries the content's length ahead of the content, so the value is serialized first into a
/// per-thread pooled buffer that is reused from frame to frame, then copied once after the header:
/// no allocation per frame, and no writing into pipe memory that was already advanced.
/// </remarks>
public static class JsonFrameWriter
{
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
            scratch.Writer.Reset(scratch.Buffer);
            JsonSerializer.Serialize(scratch.Writer, value, typeInfo);
            ReadOnlySpan<byte> content = scratch.Buffer.WrittenSpan;
            FrameWriter.Write(output, FrameHeader.Json(content.Length) with { ExtraMembers = extraMembers }, content);
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

    private sealed class Scratch
    {
        public PooledBufferWriter Buffer { get; } = new();

        // Non-ASCII text is written as raw UTF-8, as the reference does (ensure_ascii=False).
        public Utf8JsonWriter Writer { get; } = new(Stream.Null, new JsonWriterOptions { Encoder = RawUtf8JsonEncoder.Instance, SkipValidation = true });
    }
}
