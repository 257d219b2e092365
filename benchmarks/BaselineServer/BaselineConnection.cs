using System.Buffers.Binary;
using System.Net.Sockets;

namespace BaselineServer;

/// <summary>Serves one connection: answers every complete request of a read, then sends all the answers at once.</summary>
/// <remarks>
/// Special-purpose on purpose: the header is read for <c>content-type</c> and <c>content-length</c> only, JSON content is
/// parsed in place, and binary content is never buffered: its first 10 bytes are kept and the rest is skipped as it arrives.
/// Any malformed frame closes the connection.
/// </remarks>
internal sealed class BaselineConnection(Socket socket)
{
    private readonly OutputBuffer _output = new(4096);
    private readonly OutputBuffer _scratch = new(256);
    private readonly byte[] _firstBytes = new byte[10];
    private byte[] _input = new byte[32 * 1024];
    private int _start;
    private int _end;
    private int _needed;
    private int _firstCount;
    private long _skip;
    private bool _binaryPending;

    public async Task RunAsync()
    {
        try
        {
            while (true)
            {
                MakeRoom();
                int received = await socket.ReceiveAsync(_input.AsMemory(_end), SocketFlags.None);
                if (received == 0)
                {
                    return;
                }

                _end += received;
                if (!Process())
                {
                    return;
                }

                if (_output.Length > 0)
                {
                    await SendAsync(_output.Written);
                    _output.Clear();
                }
            }
        }
        catch (SocketException)
        {
            // The peer went away; nothing to tell anyone.
        }
        finally
        {
            socket.Dispose();
        }
    }

    private async ValueTask SendAsync(ReadOnlyMemory<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            bytes = bytes[await socket.SendAsync(bytes, SocketFlags.None)..];
        }
    }

    // Keeps the unconsumed bytes and room for the rest of the frame in progress (_needed bytes from _start).
    private void MakeRoom()
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }

        if (_input.Length - _start >= Math.Max(_needed, _end - _start + 1))
        {
            return;
        }

        int unconsumed = _end - _start;
        byte[] target = _input.Length >= Math.Max(_needed, unconsumed + 1) ? _input : new byte[Math.Max(_needed, _input.Length * 2)];
        Buffer.BlockCopy(_input, _start, target, 0, unconsumed);
        _input = target;
        _start = 0;
        _end = unconsumed;
    }

    /// <summary>Answers every complete request in the buffer; false on a malformed frame.</summary>
    private bool Process()
    {
        _needed = 0;
        while (true)
        {
            if (_binaryPending)
            {
                int take = (int)Math.Min(_skip, _end - _start);
                _start += take;
                _skip -= take;
                if (_skip > 0)
                {
                    return true;
                }

                Answers.WriteBinary(_output, _firstBytes.AsSpan(0, _firstCount));
                _binaryPending = false;
            }

            int available = _end - _start;
            if (available < 2)
            {
                _needed = 2;
                return true;
            }

            ReadOnlySpan<byte> data = _input.AsSpan(_start, available);
            int headerEnd = 2 + BinaryPrimitives.ReadUInt16BigEndian(data);
            if (headerEnd == 2)
            {
                return false;
            }

            if (available < headerEnd)
            {
                _needed = headerEnd;
                return true;
            }

            if (!RequestJson.TryReadHeader(data[2..headerEnd], out int contentLength, out bool isJson))
            {
                return false;
            }

            if (isJson)
            {
                int frameLength = headerEnd + contentLength;
                if (available < frameLength)
                {
                    _needed = frameLength;
                    return true;
                }

                if (!Answer(data.Slice(headerEnd, contentLength)))
                {
                    return false;
                }

                _start += frameLength;
            }
            else
            {
                int firstCount = Math.Min(10, contentLength);
                if (available < headerEnd + firstCount)
                {
                    _needed = headerEnd + firstCount;
                    return true;
                }

                data.Slice(headerEnd, firstCount).CopyTo(_firstBytes);
                _firstCount = firstCount;
                _start += headerEnd;
                _skip = contentLength;
                _binaryPending = true;
            }
        }
    }

    private bool Answer(ReadOnlySpan<byte> json)
    {
        Span<byte> actionBuffer = stackalloc byte[RequestJson.MaxActionLength];
        if (!RequestJson.TryReadSearch(json, actionBuffer, out ReadOnlySpan<byte> action, out ReadOnlySpan<byte> value))
        {
            return false;
        }

        if (!action.SequenceEqual("search"u8))
        {
            Answers.WriteResult(_output, _scratch, "Error: invalid action '"u8, action, "'."u8);
            return true;
        }

        ReadOnlySpan<byte> known = Answers.ForKnownValue(value);
        if (!known.IsEmpty)
        {
            _output.Write(known);
        }
        else
        {
            Answers.WriteResult(_output, _scratch, "No match for '"u8, value, "'."u8);
        }

        return true;
    }
}
