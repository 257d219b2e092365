using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using AppProtocol.Framing;
using AppProtocol.Pipelines;

namespace AppProtocol.Soak;

/// <summary>A minimal client on a raw socket: sends bytes, reads frames, can reset.</summary>
internal sealed class SoakClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _input;
    private readonly FrameReader _frames;

    private SoakClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _input = PipeReader.Create(_stream);
        _frames = new FrameReader(_input);
    }

    public static async Task<SoakClient> ConnectAsync(EndPoint endPoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new SoakClient(socket);
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) => _stream.WriteAsync(bytes, cancellationToken);

    /// <summary>The next frame, copied; null when the server closed.</summary>
    public async ValueTask<Frame?> ReadFrameAsync(CancellationToken cancellationToken)
    {
        Frame? frame = await _frames.ReadFrameAsync(cancellationToken);
        return frame?.Clone();
    }

    /// <summary>True once the server has closed the connection (end of stream or reset).</summary>
    public async ValueTask<bool> ClosedByServerAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _frames.ReadFrameAsync(cancellationToken) is null;
        }
        catch (IOException ex) when (ex is not ProtocolException)
        {
            return true;
        }
    }

    public void Reset()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    public async ValueTask DisposeAsync()
    {
        await _input.CompleteAsync();
        await _stream.DisposeAsync();
    }
}
