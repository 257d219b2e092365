using System.IO.Pipelines;
using System.Text.Json.Serialization.Metadata;
using AppProtocol.Framing;
using AppProtocol.Json;

namespace AppProtocol.Pipelines;

/// <summary>Writes a frame into a <see cref="PipeWriter"/> and flushes it.</summary>
public static class FramePipeWriterExtensions
{
    /// <summary>Writes a frame and flushes.</summary>
    /// <param name="output">The pipe.</param>
    /// <param name="frame">The frame.</param>
    /// <param name="cancellationToken">Cancels the flush.</param>
    /// <returns>The flush's result.</returns>
    public static ValueTask<FlushResult> WriteFrameAsync(this PipeWriter output, in Frame frame, CancellationToken cancellationToken = default)
    {
        FrameWriter.Write(output, frame);
        return output.FlushAsync(cancellationToken);
    }

    /// <summary>Writes a frame whose content is one block of memory and flushes.</summary>
    /// <param name="output">The pipe.</param>
    /// <param name="header">The header; its <c>content-length</c> must match the content.</param>
    /// <param name="content">The content.</param>
    /// <param name="cancellationToken">Cancels the flush.</param>
    /// <returns>The flush's result.</returns>
    public static ValueTask<FlushResult> WriteFrameAsync(this PipeWriter output, in FrameHeader header, ReadOnlySpan<byte> content, CancellationToken cancellationToken = default)
    {
        FrameWriter.Write(output, header, content);
        return output.FlushAsync(cancellationToken);
    }

    /// <summary>Writes a UTF-8 <c>text/json</c> frame holding <paramref name="value"/> and flushes.</summary>
    /// <typeparam name="T">The content's type.</typeparam>
    /// <param name="output">The pipe.</param>
    /// <param name="value">The content.</param>
    /// <param name="typeInfo">Serialization metadata (from a source-generated context), so that trimmed and AOT apps work.</param>
    /// <param name="cancellationToken">Cancels the flush.</param>
    /// <returns>The flush's result.</returns>
    public static ValueTask<FlushResult> WriteJsonFrameAsync<T>(this PipeWriter output, T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        JsonFrameWriter.Write(output, value, typeInfo);
        return output.FlushAsync(cancellationToken);
    }
}
