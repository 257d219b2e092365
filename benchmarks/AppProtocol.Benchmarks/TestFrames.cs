using System.Buffers;
using System.Text;
using AppProtocol.Framing;

namespace AppProtocol.Benchmarks;

/// <summary>The frames the benchmarks read and write, built once in the reference's layout.</summary>
public enum ContentKind
{
    /// <summary><c>text/json</c> content (a JSON object padded to the size).</summary>
    Json,

    /// <summary><c>binary/custom-client-binary-type</c> content.</summary>
    Binary,
}

internal static class TestFrames
{
    /// <summary>An application's binary content type (the sample client's), so headers are not the library's own.</summary>
    public const string BinaryContentType = "binary/custom-client-binary-type";

    /// <summary>The reference client's search request for <c>morpheus</c>.</summary>
    public static byte[] SearchRequest { get; } = Encode("{\"action\": \"search\", \"value\": \"morpheus\"}"u8.ToArray());

    public static FrameHeader HeaderFor(ContentKind kind, int size) =>
        kind == ContentKind.Json ? FrameHeader.Json(size) : FrameHeader.Binary(BinaryContentType, size);

    /// <summary>Content of exactly <paramref name="size"/> bytes: a JSON object with one padded string for JSON (empty below 12 bytes), a byte pattern for binary.</summary>
    public static byte[] Content(ContentKind kind, int size)
    {
        if (kind == ContentKind.Binary || size < 12)
        {
            byte[] bytes = new byte[size];
            for (int i = 0; i < size; i++)
            {
                bytes[i] = (byte)('a' + (i % 26));
            }

            return bytes;
        }

        return Encoding.UTF8.GetBytes("{\"pad\": \"" + new string('x', size - 11) + "\"}");
    }

    public static byte[] Encode(byte[] jsonContent) => Encode(FrameHeader.Json(jsonContent.Length), jsonContent);

    public static byte[] Encode(FrameHeader header, byte[] content)
    {
        var output = new ArrayBufferWriter<byte>(content.Length + 256);
        FrameWriter.Write(output, header, content);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Splits <paramref name="data"/> into a sequence of <paramref name="segmentSize"/>-byte segments, as a socket's reads would leave it.</summary>
    public static ReadOnlySequence<byte> Segmented(byte[] data, int segmentSize)
    {
        var first = new Segment(data.AsMemory(0, Math.Min(segmentSize, data.Length)), 0);
        Segment last = first;
        for (int offset = segmentSize; offset < data.Length; offset += segmentSize)
        {
            last = last.Append(data.AsMemory(offset, Math.Min(segmentSize, data.Length - offset)));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
