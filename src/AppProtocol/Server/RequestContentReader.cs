using System.Buffers;
using System.IO.Pipelines;
using AppProtocol.Framing;

namespace AppProtocol.Server;

/// <summary>A request's content as a <see cref="PipeReader"/> that ends after exactly <c>content-length</c> bytes.</summary>
/// <remarks>
/// <para>
/// Buffered content is a view of the frame already read, with no copy. Streamed content is read from the connection's
/// own pipe as the handler asks for it, and only then: while the handler does not read, the server does not read the
/// socket, and the peer's sending stops once the transport's buffers are full (backpressure). Every wait for the peer
/// falls under the minimum request data rate (<see cref="FrameServerOptions.MinRequestDataRate"/>), counted over the
/// time spent waiting only, so a slow handler never counts against its client.
/// </para>
/// <para>
/// The stream ending before <c>content-length</c> bytes is a <see cref="ProtocolException"/>
/// (<see cref="ProtocolError.TruncatedFrame"/>). Completing this reader ends the handler's reading, not the connection's.
/// One per connection, reused for each request.
/// </para>
/// </remarks>
internal sealed class RequestContentReader(FrameServerConnection connection) : PipeReader
{
    private PipeReader? _input;
    private ReadOnlySequence<byte> _buffered;
    private ReadOnlySequence<byte> _last;
    private long _length;
    private long _remaining;
    private long _waitedTicks;
    private bool _completed;
    private bool _cancelRequested;
    private bool _lastFromInput;
    private Stream? _stream;

    /// <summary>Whether the content is read from the connection rather than from a buffered frame.</summary>
    public bool IsStreamed => _input is not null;

    /// <summary>The content bytes not yet consumed.</summary>
    public long Remaining => _remaining;

    /// <summary>Whether reading failed (the stream ended early, the rate was too slow, the transport failed): the connection cannot go on.</summary>
    public bool Faulted { get; private set; }

    /// <summary>The same content as a read-only <see cref="Stream"/>, made once per connection.</summary>
    public Stream AsStream() => _stream ??= AsStream(leaveOpen: true);

    /// <summary>Starts a request whose content is buffered whole.</summary>
    public void StartBuffered(in ReadOnlySequence<byte> content) => Start(null, content, content.Length);

    /// <summary>Starts a request whose content follows in <paramref name="input"/>.</summary>
    public void StartStreamed(PipeReader input, long length) => Start(input, default, length);

    /// <summary>Forgets the request (the buffered content is no longer valid).</summary>
    public void Reset() => Start(null, default, 0);

    public override bool TryRead(out ReadResult result)
    {
        ThrowIfCompleted();
        if (_input is null || _remaining == 0 || _cancelRequested)
        {
            result = ReadBufferedOrEnd();
            return true;
        }

        if (!_input.TryRead(out ReadResult inner))
        {
            result = default;
            return false;
        }

        result = Bounded(inner);
        return true;
    }

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfCompleted();
        if (_input is null || _remaining == 0 || _cancelRequested)
        {
            return new(ReadBufferedOrEnd());
        }

        ValueTask<ReadResult> reading;
        try
        {
            reading = _input.ReadAsync(cancellationToken);
        }
        catch
        {
            Faulted = true;
            throw;
        }

        return reading.IsCompletedSuccessfully ? new(Bounded(reading.Result)) : WaitAsync(reading);
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        ThrowIfCompleted();
        long used = _last.Slice(_last.Start, consumed).Length;
        _remaining -= used;
        if (_lastFromInput)
        {
            _input!.AdvanceTo(consumed, examined);
        }
        else
        {
            _buffered = _buffered.Slice(used);
        }

        _last = default;
        _lastFromInput = false;
    }

    public override void CancelPendingRead()
    {
        if (_input is not null)
        {
            _input.CancelPendingRead();
        }
        else
        {
            _cancelRequested = true;
        }
    }

    public override void Complete(Exception? exception = null) => _completed = true;

    /// <summary>Reads and discards the rest of the content, under the same rate.</summary>
    public async ValueTask DrainAsync()
    {
        _completed = false;
        while (_remaining > 0)
        {
            ReadResult result = await ReadAsync().ConfigureAwait(false);
            AdvanceTo(result.Buffer.End);
        }
    }

    private void Start(PipeReader? input, in ReadOnlySequence<byte> buffered, long length)
    {
        _input = input;
        _buffered = buffered;
        _last = default;
        _lastFromInput = false;
        _length = length;
        _remaining = length;
        _waitedTicks = 0;
        _completed = false;
        _cancelRequested = false;
        Faulted = false;
    }

    private ReadResult ReadBufferedOrEnd()
    {
        bool canceled = _cancelRequested;
        _cancelRequested = false;
        _last = _input is null ? _buffered : default;
        _lastFromInput = false;
        return new ReadResult(_last, canceled, isCompleted: !canceled);
    }

    private async ValueTask<ReadResult> WaitAsync(ValueTask<ReadResult> reading)
    {
        TimeProvider clock = connection.Clock;
        long started = clock.GetTimestamp();
        connection.ContentWaitStarted(started, TimeLeft(clock), _remaining);
        try
        {
            return Bounded(await reading.ConfigureAwait(false));
        }
        catch (Exception ex) when (connection.ContentTimedOut && ex is not OperationCanceledException)
        {
            Faulted = true;
            throw TooSlow(ex);
        }
        catch
        {
            Faulted = true;
            throw;
        }
        finally
        {
            _waitedTicks += clock.GetTimestamp() - started;
            connection.ContentWaitEnded();
        }
    }

    // The minimum rate over the time spent waiting: the grace, plus the time the bytes consumed so far earn.
    private TimeSpan? TimeLeft(TimeProvider clock)
    {
        if (connection.MinRequestDataRate is not { } rate)
        {
            return null;
        }

        TimeSpan waited = TimeSpan.FromSeconds((double)_waitedTicks / clock.TimestampFrequency);
        TimeSpan left = rate.TimeAllowed(_length - _remaining) - waited;
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private ReadResult Bounded(in ReadResult inner)
    {
        ReadOnlySequence<byte> buffer = inner.Buffer;
        if (inner.IsCanceled && connection.ContentTimedOut)
        {
            _input!.AdvanceTo(buffer.Start);
            Faulted = true;
            throw TooSlow(null);
        }

        if (buffer.Length < _remaining && inner.IsCompleted)
        {
            _input!.AdvanceTo(buffer.Start);
            Faulted = true;
            throw new ProtocolException(ProtocolError.TruncatedFrame, $"The stream ended inside the request's content, after {_length - _remaining + buffer.Length} of its {_length} bytes.");
        }

        _last = buffer.Length > _remaining ? buffer.Slice(0, _remaining) : buffer;
        _lastFromInput = true;
        return new ReadResult(_last, inner.IsCanceled, isCompleted: _last.Length == _remaining);
    }

    private OperationCanceledException TooSlow(Exception? inner) =>
        new("The client sent the request's content slower than the minimum data rate; the connection is closed.", inner, connection.ExchangeAbortedToken);

    private void ThrowIfCompleted()
    {
        if (_completed)
        {
            throw new InvalidOperationException("The request's content reader was completed.");
        }
    }
}
