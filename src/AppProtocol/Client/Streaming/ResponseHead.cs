using System.Buffers;
using System.Buffers.Binary;
using AppProtocol.Framing;

namespace AppProtocol.Client.Streaming;

/// <summary>
/// A response's header, read from the connection's stream before any of its content is asked for, with the first
/// content bytes that arrived in the same reads. The buffer is rented; <see cref="Return"/> gives it back.
/// </summary>
internal sealed class ResponseHead
{
    private const int ProtoheaderLength = 2;
    private const int FirstReadSize = 16 * 1024;

    private byte[]? _buffer;
    private int _start;

    private ResponseHead(FrameHeader header, byte[] buffer, int start, int count)
    {
        Header = header;
        _buffer = buffer;
        _start = start;
        Buffered = count;
    }

    /// <summary>The response's header.</summary>
    public FrameHeader Header { get; }

    /// <summary>How many content bytes already arrived with the header.</summary>
    public int Buffered { get; private set; }

    /// <summary>Reads the protoheader and JSON header; <see langword="null"/> when the server closed before sending a byte.</summary>
    /// <param name="stream">The connection's stream.</param>
    /// <param name="limits">The header limits, and the content limit the header's <c>content-length</c> must keep.</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <exception cref="ProtocolException">The header breaks the protocol, or the stream ended inside it.</exception>
    public static async Task<ResponseHead?> ReadAsync(Stream stream, FrameLimits limits, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(FirstReadSize);
        try
        {
            int count = await ReadAtLeastAsync(stream, buffer, 0, ProtoheaderLength, cancellationToken).ConfigureAwait(false);
            if (count == 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                return null;
            }

            int headerEnd = ProtoheaderLength + CheckedHeaderLength(buffer, count, limits);
            if (buffer.Length < headerEnd)
            {
                byte[] larger = ArrayPool<byte>.Shared.Rent(headerEnd);
                buffer.AsSpan(0, count).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = larger;
            }

            count = await ReadAtLeastAsync(stream, buffer, count, headerEnd, cancellationToken).ConfigureAwait(false);
            if (count < headerEnd)
            {
                throw FrameParser.Truncated(count, headerEnd);
            }

            FrameHeader header = new HeaderParser(limits).Parse(new ReadOnlySequence<byte>(buffer, ProtoheaderLength, headerEnd - ProtoheaderLength));
            return new ResponseHead(header, buffer, headerEnd, (int)Math.Min(count - headerEnd, header.ContentLength));
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>Copies up to <paramref name="destination"/>'s length of the content bytes that came with the header.</summary>
    public int Take(Span<byte> destination)
    {
        int taken = Math.Min(destination.Length, Buffered);
        _buffer.AsSpan(_start, taken).CopyTo(destination);
        _start += taken;
        Buffered -= taken;
        return taken;
    }

    /// <summary>Returns the buffer to the pool; the content bytes still in it are dropped.</summary>
    public void Return()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            Buffered = 0;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int CheckedHeaderLength(byte[] buffer, int count, FrameLimits limits)
    {
        if (count < ProtoheaderLength)
        {
            throw FrameParser.Truncated(count, ProtoheaderLength);
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(buffer);
        if (length == 0)
        {
            throw new ProtocolException(ProtocolError.EmptyHeader, "The protoheader is 0: a JSON header cannot be empty.");
        }

        return length <= limits.MaxHeaderLength
            ? length
            : throw new ProtocolException(ProtocolError.HeaderTooLarge, $"The JSON header is {length} bytes, more than the limit of {limits.MaxHeaderLength}.");
    }

    // Reads until at least `needed` bytes are in the buffer or the stream ends; returns how many are.
    private static async ValueTask<int> ReadAtLeastAsync(Stream stream, byte[] buffer, int count, int needed, CancellationToken cancellationToken)
    {
        while (count < needed)
        {
            int read = await stream.ReadAsync(buffer.AsMemory(count), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            count += read;
        }

        return count;
    }
}
