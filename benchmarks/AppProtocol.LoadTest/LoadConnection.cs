using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AppProtocol.Framing;

namespace AppProtocol.LoadTest;

/// <summary>One simulated client on a raw socket: sends the precomputed requests and checks every response, in one of the three modes.</summary>
/// <remarks>
/// It shares the cores with the server it measures, so it must cost far less per request than the server does: the
/// requests are <c>depth</c> copies laid end to end and a batch is one send, there is one receive buffer, the answers are
/// checked by comparing bytes (<see cref="ResponseChecker"/>), latencies are timed per batch and per read
/// (<see cref="BatchTimes"/>), and the whole conversation is one async method, so nothing is allocated per request
/// (one-shot allocates its socket). After each read the answered requests are replaced in one send (measured: 10 to 20%
/// more requests/s and less server CPU per request than waiting for a whole batch to be answered, as wrk does).
/// </remarks>
internal sealed class LoadConnection : ILoadWorker
{
    private const int MaxConsecutiveErrors = 5;

    private readonly EndPoint _endPoint;
    private readonly IPAddress? _source;
    private readonly LoadMode _mode;
    private readonly RunControl _control;
    private readonly byte[] _requests;
    private readonly int _requestLength;
    private readonly int _depth;
    private readonly ResponseChecker _checker;
    private readonly BatchTimes _batches;
    private byte[] _receive = new byte[16 * 1024];
    private int _start;
    private int _end;
    private int _inFlight;
    private long _sentWhileMeasuring;
    private Socket? _socket;

    // requests: the request repeated depth times, so that a batch of requests is one send.
    // source: the address to connect from, or null for the kernel's choice (see SourceAddress).
    public LoadConnection(EndPoint endPoint, IPAddress? source, Workload workload, LoadMode mode, int depth, byte[] requests, RunControl control)
    {
        _endPoint = endPoint;
        _source = source;
        _mode = mode;
        _control = control;
        _requests = requests;
        _requestLength = workload.Request.Length;
        _depth = depth;
        _checker = new ResponseChecker(workload, depth);
        _batches = new BatchTimes(depth);
    }

    public ConnectionStats Stats { get; } = new();

    public void Abort() => _socket?.Dispose();

    public async Task RunAsync()
    {
        int consecutiveErrors = 0;
        while (!_control.Stopping && QuotaLeft() > 0)
        {
            try
            {
                await ConversationAsync();
                consecutiveErrors = 0;
            }
            catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
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

    // One connection: a single exchange in one-shot mode, else batches until the run stops. Keep-alive is depth 1.
    private async Task ConversationAsync()
    {
        _start = _end = _inFlight = 0;
        _batches.Clear();
        var socket = _socket = new Socket(_endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (_source is not null)
        {
            SourceAddress.Bind(socket, _source);
        }

        await socket.ConnectAsync(_endPoint);
        bool sentAny = false;
        while (true)
        {
            int batch = _inFlight == _depth || _control.Stopping || (sentAny && _mode == LoadMode.OneShot) ? 0 : (int)Math.Min(_depth - _inFlight, QuotaLeft());
            if (batch > 0)
            {
                Sending(batch);
                sentAny = true;
                ReadOnlyMemory<byte> bytes = _requests.AsMemory(0, batch * _requestLength);
                while (!bytes.IsEmpty)
                {
                    bytes = bytes[await socket.SendAsync(bytes, SocketFlags.None)..];
                }
            }

            if (_inFlight == 0)
            {
                return;
            }

            if (_end == _receive.Length)
            {
                MakeRoom();
            }

            int received = await socket.ReceiveAsync(_receive.AsMemory(_end), SocketFlags.None);
            if (received == 0)
            {
                throw new IOException($"The server closed the connection with {_inFlight} request(s) unanswered.");
            }

            _end += received;
            Received();
        }
    }

    private void Sending(int batch)
    {
        _batches.Sent(Stopwatch.GetTimestamp(), batch);
        _inFlight += batch;
        if (_control.Measuring)
        {
            _sentWhileMeasuring += batch;
        }
    }

    /// <exception cref="ProtocolException">A response is not a valid frame (an <see cref="IOException"/>).</exception>
    private void Received()
    {
        CheckedResponses found = _checker.Check(_receive, _start, _end, _inFlight);
        if (found.Responses > 0)
        {
            bool measuring = _control.Measuring;
            _batches.Answered(Stopwatch.GetTimestamp(), found.Responses, measuring ? Stats.Latency : null);
            if (measuring)
            {
                Stats.Requests += found.Responses;
                Stats.Bytes += found.Consumed + ((long)found.Responses * _requestLength);
            }

            Stats.Mismatches += found.Mismatches;
            _start += found.Consumed;
            _inFlight -= found.Responses;
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

    private long QuotaLeft() => _control.RequestsPerWorker is { } quota && _control.Measuring ? quota - _sentWhileMeasuring : long.MaxValue;
}
