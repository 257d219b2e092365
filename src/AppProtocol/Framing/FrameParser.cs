using System.Buffers;
using System.Buffers.Binary;

namespace AppProtocol.Framing;

/// <summary>Parses frames from bytes: pure, no I/O. It keeps no state between calls, so one instance can serve any number of connections and threads.</summary>
/// <remarks>
/// <see cref="TryParse(ref ReadOnlySequence{byte}, out Frame)"/> returns <see langword="false"/> while a frame is
/// incomplete, and throws <see cref="ProtocolException"/> only when the bytes received so far already break the protocol.
/// It never resynchronises: after an exception the rest of the stream is meaningless.
/// </remarks>
public sealed class FrameParser
{
    private const int ProtoheaderLength = 2;
    private readonly HeaderParser _headerParser;

    /// <summary>Creates a parser that enforces the given limits.</summary>
    /// <param name="limits">The limits; <see cref="FrameLimits.Default"/> when <see langword="null"/>.</param>
    public FrameParser(FrameLimits? limits = null)
    {
        Limits = limits ?? FrameLimits.Default;
        _headerParser = new HeaderParser(Limits);
    }

    /// <summary>The limits this parser enforces.</summary>
    public FrameLimits Limits { get; }

    /// <summary>Parses one frame from the start of <paramref name="buffer"/> and slices the buffer past it.</summary>
    /// <param name="buffer">The bytes received; on success, what follows the frame.</param>
    /// <param name="frame">The frame, its content a slice of <paramref name="buffer"/>.</param>
    /// <returns><see langword="true"/> for a whole frame; <see langword="false"/> when more bytes are needed (the buffer is left as it was).</returns>
    /// <exception cref="ProtocolException">The bytes break the protocol.</exception>
    public bool TryParse(ref ReadOnlySequence<byte> buffer, out Frame frame)
    {
        if (!TryParse(buffer, out frame, out long frameLength))
        {
            return false;
        }

        buffer = buffer.Slice(frameLength);
        return true;
    }

    /// <summary>Parses one frame; on failure, <paramref name="requiredLength"/> is how long the buffer must grow before another try can succeed.</summary>
    internal bool TryParse(in ReadOnlySequence<byte> buffer, out Frame frame, out long requiredLength)
    {
        frame = default;
        if (!TryParseHeader(buffer, out FrameHeader header, out long headerEnd, out requiredLength))
        {
            return false;
        }

        requiredLength = headerEnd + header.ContentLength;
        if (buffer.Length < requiredLength)
        {
            return false;
        }

        frame = new Frame(header, buffer.Slice(headerEnd, header.ContentLength));
        return true;
    }

    /// <summary>Parses the protoheader and the JSON header only; <paramref name="headerEnd"/> is where the content starts.</summary>
    /// <remarks>A server that streams large content to its handler starts the exchange here, before any content arrives.</remarks>
    internal bool TryParseHeader(in ReadOnlySequence<byte> buffer, out FrameHeader header, out long headerEnd, out long requiredLength)
    {
        header = default;
        headerEnd = 0;
        if (buffer.Length < ProtoheaderLength)
        {
            requiredLength = ProtoheaderLength;
            return false;
        }

        int headerLength = ReadProtoheader(buffer);
        if (headerLength == 0)
        {
            throw new ProtocolException(ProtocolError.EmptyHeader, "The protoheader is 0: a JSON header cannot be empty.");
        }

        if (headerLength > Limits.MaxHeaderLength)
        {
            throw new ProtocolException(ProtocolError.HeaderTooLarge, $"The JSON header is {headerLength} bytes, more than the limit of {Limits.MaxHeaderLength}.");
        }

        requiredLength = ProtoheaderLength + headerLength;
        if (buffer.Length < requiredLength)
        {
            return false;
        }

        header = _headerParser.Parse(buffer.Slice(ProtoheaderLength, headerLength));
        headerEnd = requiredLength;
        return true;
    }

    /// <summary>The error for a content length over a limit, worded as the header parser words it.</summary>
    internal static ProtocolException ContentTooLarge(long length, long limit) =>
        new(ProtocolError.ContentTooLarge, $"Header 'content-length' is {length}, more than the limit of {limit}.");

    /// <summary>The error for a stream that ended after <paramref name="buffered"/> bytes of a frame needing at least <paramref name="requiredLength"/>.</summary>
    internal static ProtocolException Truncated(long buffered, long requiredLength) =>
        new(ProtocolError.TruncatedFrame, $"The stream ended inside a frame, after {buffered} of at least {Math.Max(requiredLength, buffered + 1)} bytes.");

    private static int ReadProtoheader(in ReadOnlySequence<byte> buffer)
    {
        ReadOnlySpan<byte> first = buffer.FirstSpan;
        if (first.Length >= ProtoheaderLength)
        {
            return BinaryPrimitives.ReadUInt16BigEndian(first);
        }

        Span<byte> bytes = stackalloc byte[ProtoheaderLength];
        buffer.Slice(0, ProtoheaderLength).CopyTo(bytes);
        return BinaryPrimitives.ReadUInt16BigEndian(bytes);
    }
}
