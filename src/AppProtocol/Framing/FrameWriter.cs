using System.Buffers;
using System.Buffers.Binary;

namespace AppProtocol.Framing;

/// <summary>Writes frames into any <see cref="IBufferWriter{T}"/> (a <see cref="System.IO.Pipelines.PipeWriter"/> among them), straight into its buffers: pure, no I/O, no flushing.</summary>
public static class FrameWriter
{
    /// <summary>Writes a frame.</summary>
    /// <param name="output">Where the bytes go.</param>
    /// <param name="frame">The frame.</param>
    public static void Write(IBufferWriter<byte> output, in Frame frame)
    {
        ArgumentNullException.ThrowIfNull(output);
        WriteHeader(output, frame.Header);
        foreach (ReadOnlyMemory<byte> segment in frame.Content)
        {
            output.Write(segment.Span);
        }
    }

    /// <summary>Writes a frame whose content is one span.</summary>
    /// <param name="output">Where the bytes go.</param>
    /// <param name="header">The header; its <c>content-length</c> must be the length of <paramref name="content"/>.</param>
    /// <param name="content">The content.</param>
    public static void Write(IBufferWriter<byte> output, in FrameHeader header, ReadOnlySpan<byte> content)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (header.ContentLength != content.Length)
        {
            throw new ArgumentException($"The content is {content.Length} bytes but the header's content-length is {header.ContentLength}.", nameof(content));
        }

        WriteHeader(output, header);
        output.Write(content);
    }

    /// <summary>Writes the protoheader and JSON header of a frame; exactly <see cref="FrameHeader.ContentLength"/> content bytes must follow.</summary>
    /// <param name="output">Where the bytes go.</param>
    /// <param name="header">The header.</param>
    public static void WriteHeader(IBufferWriter<byte> output, in FrameHeader header)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(header.ContentType, nameof(header));
        ArgumentNullException.ThrowIfNull(header.ContentEncoding, nameof(header));
        int headerLength = HeaderWriter.GetLength(header);
        FormatHeader(header, output.GetSpan(2 + headerLength)[..(2 + headerLength)]);
        output.Advance(2 + headerLength);
    }

    /// <summary>Formats the protoheader and JSON header into <paramref name="destination"/>, exactly 2 + the header's length.</summary>
    internal static void FormatHeader(in FrameHeader header, Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)(destination.Length - 2));
        HeaderWriter.Write(header, destination[2..]);
    }
}
