using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using AppProtocol.Framing;

namespace AppProtocol.LoadTest;

/// <summary>One simulated client: sends the precomputed request and checks every response, in one of the three modes.</summary>
/// <remarks>
/// Cheap by design, since it shares the cores with the server it measures: the request bytes are shared and never rebuilt,
/// the receive buffer is reused, send timestamps sit in a fixed ring, and responses are parsed in place by the library's
/// <see cref="FrameParser"/>. Nothing in the request loop allocates except a new socket per one-shot exchange.
/// </remarks>
internal sealed class LoadConnection
{
    private const int MaxConsecutiveErrors = 5;
    private static readonly double NanosecondsPerTick = 1e9 / Stopwatch.Frequency;

    private readonly EndPoint _endPoint;
    private readonly Workload _workload;
    private readonly LoadMode _mode;
    private readonly RunControl _control;
    private readonly byte[] _requests;
    private readonly long[] _sentAt;
    private readonly FrameParser _parser = new();
    private byte[] _receive = new byte[16 * 1024];
    private int _start;
    private int _end;
    private int _ringHead;
    private int _inFlight;
    private long _sentWhileMeasuring;
    private Socket? _socket;

    // requests: the request repeated depth times, so that a batch of requests is one send.
    public LoadConnection(EndPoint endPoint, Workload workload, LoadMode mode, int depth, byte[] requests, RunControl control)
    {
        _endPoint = endPoint;
        _workload = workload;
        _mode = mode;
        _control = control;
        _requests = requests;
        _sentAt = new long[depth];
    }

    public ConnectionStats Stats { get; } = new();

    /// <summary>Closes the socket so that a connection stuck on a silent server ends.</summary>
    public void Abort() => _socket?.Dispose();

    public async Task RunAsync()
    {
        int consecutiveErrors = 0;
        while (!_control.Stopping && !QuotaReached())
        {
            try
            {
                await (_mode == LoadMode.OneShot ? OneShotAsync() : ConversationAsync());
                consecutiveErrors = 0;
            }
            catch (Exception ex) when (ex is SocketException or IOException or ProtocolException or ObjectDisposedException)
            {
                if (!_control.Stopping)
                {
                    Stats.Errors++;
                    Stats.FirstError ??= $"{ex.GetType().Name}: {ex.Message}";
                    if (++consecutiveErrors >= MaxConsecutiveErrors)
                    {
                        return;
                    }
                }
            }
            finally
            {
                _socket?.Dispose();
                _socket = null;
            }
        }
    }

    private async Task ConnectAsync()
    {
        _start = _end = _ringHead = _inFlight = 0;
        _socket = new Socket(_endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await _socket.ConnectAsync(_endPoint);
    }

    private async Task OneShotAsync()
    {
        await ConnectAsync();
        await SendAsync(1);
        while (_inFlight > 0)
        {
            await ReceiveAsync();
        }
    }

    // Keep-alive is pipelining with one request in flight.
    private async Task ConversationAsync()
    {
        await ConnectAsync();
        int depth = _sentAt.Length;
        while (true)
        {
            int batch = _control.Stopping ? 0 : (int)Math.Min(depth - _inFlight, QuotaLeft());
            if (batch > 0)
            {
                await SendAsync(batch);
            }

            if (_inFlight == 0)
            {
                return;
            }

            await ReceiveAsync();
        }
    }

    // Pooled state machines: these two complete asynchronously on almost every call, and would otherwise allocate each time.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendAsync(int count)
    {
        long now = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++)
        {
            _sentAt[(_ringHead + _inFlight + i) % _sentAt.Length] = now;
        }

        _inFlight += count;
        if (_control.Measuring)
        {
            _sentWhileMeasuring += count;
        }

        ReadOnlyMemory<byte> bytes = _requests.AsMemory(0, count * _workload.Request.Length);
        while (!bytes.IsEmpty)
        {
            bytes = bytes[await _socket!.SendAsync(bytes, SocketFlags.None)..];
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ReceiveAsync()
    {
        if (_end == _receive.Length)
        {
            MakeRoom();
        }

        int received = await _socket!.ReceiveAsync(_receive.AsMemory(_end), SocketFlags.None);
        if (received == 0)
        {
            throw new IOException($"The server closed the connection with {_inFlight} request(s) unanswered.");
        }

        _end += received;
        ParseResponses();
    }

    private void ParseResponses()
    {
        var buffer = new ReadOnlySequence<byte>(_receive, _start, _end - _start);
        long now = Stopwatch.GetTimestamp();
        while (_inFlight > 0 && _parser.TryParse(ref buffer, out Frame response))
        {
            int length = _end - _start - (int)buffer.Length;
            _start += length;
            if (!_workload.IsExpected(response))
            {
                Stats.Mismatches++;
            }

            if (_control.Measuring)
            {
                Stats.Requests++;
                Stats.Bytes += length + _workload.Request.Length;
                Stats.Latency.Record((long)((now - _sentAt[_ringHead]) * NanosecondsPerTick));
            }

            _ringHead = (_ringHead + 1) % _sentAt.Length;
            _inFlight--;
        }

        if (_inFlight == 0 && _start != _end)
        {
            throw new IOException($"The server sent {_end - _start} bytes beyond the responses to the requests.");
        }

        if (_start == _end)
        {
            _start = _end = 0;
        }
    }

    // Moves a partial response to the front, or grows the buffer when one response fills it.
    private void MakeRoom()
    {
        int unconsumed = _end - _start;
        byte[] target = _start > 0 ? _receive : new byte[_receive.Length * 2];
        Buffer.BlockCopy(_receive, _start, target, 0, unconsumed);
        _receive = target;
        _start = 0;
        _end = unconsumed;
    }

    private long QuotaLeft() => _control.RequestsPerConnection is { } quota && _control.Measuring ? quota - _sentWhileMeasuring : long.MaxValue;

    private bool QuotaReached() => QuotaLeft() <= 0;
}
