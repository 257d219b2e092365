using System.Buffers;
using System.Net;
using System.Net.Sockets;
using AppProtocol.Framing;

namespace AppProtocol.Tests.Client;

/// <summary>
/// A server that allocates nothing per request, so a test can count what the client allocates: every
/// <c>requestLength</c> bytes it receives get one copy of a fixed response frame, sent in one batch per read.
/// </summary>
internal sealed class FixedReplyServer : IAsyncDisposable
{
    private const int MaxBatch = 64;

    private readonly Socket _listener;
    private readonly int _requestLength;
    private readonly byte[] _responses;
    private readonly int _responseLength;
    private readonly List<Task> _connections = [];
    private readonly Task _acceptLoop;

    private FixedReplyServer(int requestLength, Frame response)
    {
        _requestLength = requestLength;
        var encoded = new ArrayBufferWriter<byte>();
        FrameWriter.Write(encoded, response);
        _responseLength = encoded.WrittenCount;
        _responses = new byte[_responseLength * MaxBatch];
        for (int i = 0; i < MaxBatch; i++)
        {
            encoded.WrittenSpan.CopyTo(_responses.AsSpan(i * _responseLength));
        }

        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen();
        // On the thread pool, off the test runner's SynchronizationContext, whose threads all tests share: a test
        // busy there must not stall this server.
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    /// <summary>Starts a server answering requests of exactly <paramref name="requestLength"/> encoded bytes with <paramref name="response"/>.</summary>
    public static FixedReplyServer Start(int requestLength, Frame response) => new(requestLength, response);

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await _acceptLoop;
        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll(connections).WaitAsync(ChildProcess.Timeout);
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                Socket socket = await _listener.AcceptAsync();
                socket.NoDelay = true;
                lock (_connections)
                {
                    _connections.Add(AnswerAsync(socket));
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task AnswerAsync(Socket socket)
    {
        using (socket)
        {
            var buffer = new byte[64 * 1024];
            long unanswered = 0;
            try
            {
                int read;
                while ((read = await socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None)) > 0)
                {
                    unanswered += read;
                    while (unanswered >= _requestLength)
                    {
                        int batch = (int)Math.Min(MaxBatch, unanswered / _requestLength);
                        unanswered -= batch * (long)_requestLength;
                        await socket.SendAsync(_responses.AsMemory(0, batch * _responseLength), SocketFlags.None);
                    }
                }
            }
            catch (SocketException)
            {
            }
        }
    }
}
