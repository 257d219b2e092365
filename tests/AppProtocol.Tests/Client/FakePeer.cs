using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using AppProtocol.Framing;
using AppProtocol.Pipelines;
using AppProtocol.Samples;

namespace AppProtocol.Tests.Client;

/// <summary>The server's end of one connection in a <see cref="FakeServer"/>: raw bytes or frames, at the test's command.</summary>
internal sealed class FakePeer : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly PipeReader _input;
    private readonly FrameReader _frames;

    public FakePeer(Socket socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
        _input = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        Output = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        _frames = new FrameReader(_input);
    }

    public PipeWriter Output { get; }

    /// <summary>The next request, copied; null when the client closed.</summary>
    public async Task<Frame?> ReadFrameAsync() =>
        await _frames.ReadFrameAsync().AsTask().WaitAsync(ChildProcess.Timeout) is { } frame ? frame.Clone() : null;

    public async Task WriteAsync(Frame frame) => await Output.WriteFrameAsync(frame);

    public async Task WriteRawAsync(byte[] bytes) => await Output.WriteAsync(bytes);

    /// <summary>Answers every request with <c>echo:</c> + its content until the client closes.</summary>
    public async Task EchoFramesAsync()
    {
        while (await ReadFrameAsync() is { } request)
        {
            await WriteAsync(Echo(request));
        }
    }

    /// <summary>Answers the next <paramref name="count"/> requests with <see cref="Echo"/>.</summary>
    public async Task EchoFramesAsync(int count)
    {
        for (int i = 0; i < count; i++)
        {
            await WriteAsync(Echo((await ReadFrameAsync())!.Value));
        }
    }

    /// <summary>Sends back every byte received until the client closes (the echo servers of SPEC section 6).</summary>
    public async Task EchoBytesAsync()
    {
        while (true)
        {
            ReadResult read = await _input.ReadAsync().AsTask().WaitAsync(ChildProcess.Timeout);
            foreach (ReadOnlyMemory<byte> segment in read.Buffer)
            {
                await Output.WriteAsync(segment);
            }

            _input.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                return;
            }
        }
    }

    public static Frame Echo(Frame request) =>
        Frame.Binary(SampleContentTypes.ServerBinary, (byte[])[.. "echo:"u8, .. request.Content.ToArray()]);

    /// <summary><see cref="Echo"/>, announced as the last answer on the connection (<c>"connection": "close"</c>, PROTOCOL.md E2).</summary>
    public static Frame EchoLast(Frame request)
    {
        Frame echo = Echo(request);
        return new Frame(echo.Header with { ExtraMembers = ConnectionMember.CloseOnly }, echo.Content);
    }

    /// <summary>Waits until the client's next bytes arrived, then closes without reading them: the TCP stack resets the connection.</summary>
    public async Task CloseWithUnreadDataAsync()
    {
        await _socket.ReceiveAsync(new byte[1], SocketFlags.Peek).WaitAsync(ChildProcess.Timeout);
        _socket.Close();
    }

    /// <summary>Closes the connection (FIN after anything already written).</summary>
    public void Close() => _socket.Shutdown(SocketShutdown.Both);

    public async ValueTask DisposeAsync()
    {
        await Output.CompleteAsync();
        await _input.CompleteAsync();
        await _stream.DisposeAsync();
        _socket.Dispose();
    }
}
