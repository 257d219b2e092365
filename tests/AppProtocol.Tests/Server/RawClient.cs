using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using AppProtocol.Framing;
using AppProtocol.Pipelines;

namespace AppProtocol.Tests.Server;

/// <summary>A test client on raw sockets and the Framing/Pipelines layer: sends bytes, reads frames, sees the close.</summary>
public sealed class RawClient : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly PipeReader _input;
    private readonly FrameReader _frames;

    private RawClient(Socket socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
        _input = PipeReader.Create(stream);
        _frames = new FrameReader(_input);
    }

    public Stream Stream => _stream;

    /// <summary>The client's own end point, which the server sees as its peer's.</summary>
    public EndPoint? LocalEndPoint => _socket.LocalEndPoint;

    public static async Task<RawClient> ConnectAsync(EndPoint endPoint)
    {
        Socket socket = endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endPoint).WaitAsync(Patience);
        return new RawClient(socket, new NetworkStream(socket, ownsSocket: true));
    }

    public static async Task<RawClient> ConnectTlsAsync(EndPoint endPoint, SslClientAuthenticationOptions tls)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endPoint).WaitAsync(Patience);
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true));
        try
        {
            await ssl.AuthenticateAsClientAsync(tls).WaitAsync(Patience);
        }
        catch
        {
            await ssl.DisposeAsync();
            throw;
        }

        return new RawClient(socket, ssl);
    }

    public async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        await _stream.WriteAsync(bytes).AsTask().WaitAsync(Patience);
        await _stream.FlushAsync().WaitAsync(Patience);
    }

    /// <summary>Reads the next frame, copied out of the pipe; null on a clean close.</summary>
    public async Task<Frame?> ReadFrameAsync()
    {
        Frame? frame = await _frames.ReadFrameAsync().AsTask().WaitAsync(Patience);
        return frame?.Clone();
    }

    public async Task<Frame> ExchangeAsync(ReadOnlyMemory<byte> request)
    {
        await SendAsync(request);
        return await ReadFrameAsync() ?? throw new Xunit.Sdk.XunitException("The server closed the connection instead of answering.");
    }

    /// <summary>Completes when the server has closed the connection (a clean end of stream or a reset), with no bytes in between.</summary>
    public async Task AssertClosedByServerAsync()
    {
        try
        {
            Frame? frame = await _frames.ReadFrameAsync().AsTask().WaitAsync(Patience);
            Assert.False(frame.HasValue, "Expected the server to close, got a frame.");
        }
        catch (IOException ex) when (ex is not ProtocolException)
        {
            // A reset is a close too.
        }
    }

    /// <summary>Ends the sending half: the server sees the end of the stream.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>Closes at once with a reset (linger 0), as a crashing peer would.</summary>
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
