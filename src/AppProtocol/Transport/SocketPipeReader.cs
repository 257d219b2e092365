using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace AppProtocol.Transport;

/// <summary>A <see cref="PipeReader"/> that receives straight from a socket into a chain of pooled buffers.</summary>
/// <remarks>
/// <para>
/// It replaces <see cref="PipeReader.Create(Stream, StreamPipeReaderOptions)"/> for sockets for three reasons. The
/// first receive of a frame tries the socket without waiting: after a wait for data outside the pipe (see
/// <see cref="Features.IWaitForDataFeature"/>) it completes at once, so no cancellation source is ever made for it.
/// Nothing is kept between frames but a few empty segment objects. And the first buffer of a frame is 4 KiB, later
/// ones 64 KiB: a peer that sends part of a small frame and stalls holds 4 KiB, while a large frame is still read
/// 64 KiB at a time. A receive that fills its buffer means the peer is sending more than a small frame (a streamed
/// request's content is consumed read by read, so its buffers are never chained): the next first buffer is 64 KiB
/// too. With 4 KiB, a 1 GiB upload took 262,000 receives (docs/PERFORMANCE.md, "File transfer").
/// </para>
/// <para>With <c>zeroByteReads</c>, a read with nothing buffered first waits for data without a buffer, so a connection
/// waiting in <see cref="ReadAsync"/> holds none.</para>
/// </remarks>
internal sealed class SocketPipeReader(SocketStream stream, MemoryPool<byte>? pool, bool zeroByteReads) : PipeReader
{
    /// <summary>The first buffer of a frame: a whole small frame, or the start of a large one.</summary>
    public const int FirstReadSize = 4 * 1024;

    /// <summary>Every later buffer of the same frame: with 4 KiB reads a 1 MiB request cost three times the baseline's CPU (docs/PERFORMANCE.md).</summary>
    public const int ReadSize = 64 * 1024;

    // A tail with less room than this gets a new buffer rather than a receive of a few bytes.
    private const int MinimumReadSize = 1024;

    private PooledSegment? _head;
    private int _headIndex;
    private PooledSegment? _tail;
    private SpareSegments _spares;
    private bool _examinedEverything;
    private bool _lastReceiveFilled;
    private bool _ended;
    private bool _completed;

    // CancelPendingRead sets it; the read it cancels (the pending one, else the next) clears it.
    private volatile bool _cancelRequested;

    // 1 while a receive waits; only then does CancelPendingRead cancel the source, made for the first receive that waits.
    private int _receiving;
    private CancellationTokenSource? _receiveCancel;

    private ReadOnlySequence<byte> Buffer => _head is null ? default : new(_head, _headIndex, _tail!, _tail!.End);

    public override bool TryRead(out ReadResult result)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (_cancelRequested)
        {
            _cancelRequested = false;
            result = new ReadResult(Buffer, isCanceled: true, _ended);
            return true;
        }

        if (_ended || (_head is not null && !_examinedEverything))
        {
            result = new ReadResult(Buffer, isCanceled: false, _ended);
            return true;
        }

        result = default;
        return false;
    }

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (TryRead(out ReadResult result))
        {
            return new(result);
        }

        cancellationToken.ThrowIfCancellationRequested();
        bool wasEmpty = _head is null;
        if (TryReceiveNow())
        {
            return new(new ReadResult(Buffer, isCanceled: false, _ended));
        }

        if (wasEmpty && zeroByteReads)
        {
            // Wait without holding the buffer.
            ReleaseEmptyTail();
        }

        return ReceiveAsync(cancellationToken);
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (_head is null)
        {
            return;
        }

        // By absolute index: a position at the end of one segment is also the start of the next.
        _examinedEverything = examined.GetObject() is PooledSegment examinedSegment
            && examinedSegment.RunningIndex + examined.GetInteger() == _tail!.RunningIndex + _tail.End;
        if (consumed.GetObject() is not PooledSegment consumedSegment)
        {
            return;
        }

        while (!ReferenceEquals(_head, consumedSegment))
        {
            PooledSegment done = _head!;
            _head = done.NextSegment ?? throw new InvalidOperationException("The consumed position is not in the buffer returned by the last read.");
            _spares.Give(done);
        }

        _headIndex = consumed.GetInteger();
        if (ReferenceEquals(_head, _tail) && _headIndex == _tail!.End)
        {
            // Everything is consumed: the buffer goes back to the pool now, not when the next frame comes.
            _spares.Give(_tail);
            _head = _tail = null;
            _headIndex = 0;
        }
    }

    public override void CancelPendingRead()
    {
        _cancelRequested = true;

        // Pairs with the fence in ReceiveAsync: either it sees the request, or this sees its receive.
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _receiving) == 1)
        {
            Volatile.Read(ref _receiveCancel)?.Cancel();
        }
    }

    public override void Complete(Exception? exception = null)
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        while (_head is { } segment)
        {
            _head = segment.NextSegment;
            segment.Release();
        }

        _tail = null;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadResult> ReceiveAsync(CancellationToken cancellationToken)
    {
        CancellationTokenSource cancel = ReceiveCancellation();
        using CancellationTokenRegistration linked = cancellationToken.UnsafeRegister(static c => ((CancellationTokenSource)c!).Cancel(), cancel);
        Interlocked.Exchange(ref _receiving, 1);
        try
        {
            if (_cancelRequested)
            {
                throw new OperationCanceledException(cancel.Token);
            }

            while (_head is null)
            {
                // Only with zero-byte reads: wait for data without a buffer, then take what has come.
                await stream.ReadAsync(Memory<byte>.Empty, cancel.Token).ConfigureAwait(false);
                if (TryReceiveNow())
                {
                    return new ReadResult(Buffer, isCanceled: false, _ended);
                }

                ReleaseEmptyTail();
            }

            Received(await stream.ReadAsync(_tail!.Free, cancel.Token).ConfigureAwait(false));
            return new ReadResult(Buffer, isCanceled: false, _ended);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _cancelRequested = false;
            ReleaseEmptyTail();
            return new ReadResult(Buffer, isCanceled: true, _ended);
        }
        finally
        {
            Volatile.Write(ref _receiving, 0);
        }
    }

    private CancellationTokenSource ReceiveCancellation()
    {
        if (_receiveCancel is not { IsCancellationRequested: false } cancel)
        {
            cancel = new CancellationTokenSource();
            Volatile.Write(ref _receiveCancel, cancel);
        }

        return cancel;
    }

    // Receives what the socket has without waiting; false when it has nothing yet.
    private bool TryReceiveNow()
    {
        EnsureRoom();
        if (!stream.TryReceive(_tail!.Free.Span, out int received))
        {
            return false;
        }

        Received(received);
        return true;
    }

    private void Received(int count)
    {
        if (count == 0)
        {
            _ended = true;
            ReleaseEmptyTail();
            return;
        }

        _lastReceiveFilled = count == _tail!.Free.Length;
        _tail.Advance(count);
        _examinedEverything = false;
    }

    private void EnsureRoom()
    {
        if (_tail is null)
        {
            _head = _tail = _spares.Take();
            _headIndex = 0;
            _tail.Rent(pool, _lastReceiveFilled ? ReadSize : FirstReadSize, 0);
        }
        else if (_tail.Free.Length < MinimumReadSize)
        {
            PooledSegment next = _spares.Take();
            next.Rent(pool, ReadSize, _tail.RunningIndex + _tail.End);
            _tail.Append(next);
            _tail = next;
        }
    }

    // Gives back a buffer that nothing was received into, when it is the only one.
    private void ReleaseEmptyTail()
    {
        if (_head is not null && ReferenceEquals(_head, _tail) && _tail.End == _headIndex)
        {
            _spares.Give(_tail);
            _head = _tail = null;
            _headIndex = 0;
        }
    }
}
