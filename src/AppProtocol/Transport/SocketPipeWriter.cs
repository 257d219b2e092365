using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace AppProtocol.Transport;

/// <summary>A <see cref="PipeWriter"/> that buffers in pooled memory and sends to a socket on flush.</summary>
/// <remarks>
/// <para>
/// It replaces <see cref="PipeWriter.Create(Stream, StreamPipeWriterOptions)"/> for sockets: a flush sends at once
/// (see <see cref="SocketStream.WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>) and gives every buffer back,
/// so a connection keeps none between responses; <see cref="WriteAsync"/> sends large content from the caller's
/// memory instead of copying it.
/// </para>
/// <para><see cref="CancelPendingFlush"/> does not interrupt a send in progress, whose bytes would then be half on the
/// wire: the flush it cancels returns <see cref="FlushResult.IsCanceled"/> when its send ends.</para>
/// </remarks>
internal sealed class SocketPipeWriter(SocketStream stream, MemoryPool<byte>? pool) : PipeWriter
{
    // The smallest buffer: a few small responses, as StreamPipeWriter's default.
    private const int SegmentSize = 4096;

    // Content at least this large is sent from the caller's memory rather than copied first.
    private const int DirectSendSize = 16 * 1024;

    private PooledSegment? _head;
    private PooledSegment? _tail;
    private SpareSegments _spares;
    private long _unflushed;
    private bool _completed;
    private volatile bool _cancelRequested;

    public override bool CanGetUnflushedBytes => true;

    public override long UnflushedBytes => _unflushed;

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(sizeHint);
        int size = Math.Max(sizeHint, 1);
        if (_tail is null || _tail.Free.Length < size)
        {
            PooledSegment next = _spares.Take();
            next.Rent(pool, Math.Max(size, SegmentSize), 0);
            if (_tail is null)
            {
                _head = next;
            }
            else
            {
                _tail.Append(next);
            }

            _tail = next;
        }

        return _tail.Free;
    }

    public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public override void Advance(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (bytes > (_tail?.Free.Length ?? 0))
        {
            throw new ArgumentOutOfRangeException(nameof(bytes), "More bytes than the memory last returned by GetMemory or GetSpan.");
        }

        _tail?.Advance(bytes);
        _unflushed += bytes;
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (_head is null || _unflushed == 0)
        {
            return new(Result());
        }

        if (ReferenceEquals(_head, _tail))
        {
            ValueTask send = stream.WriteAsync(_head.Written, cancellationToken);
            if (send.IsCompletedSuccessfully)
            {
                ReleaseAll();
                return new(Result());
            }

            return FinishSendAsync(send);
        }

        return SendChainAsync(cancellationToken);
    }

    public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        if (source.Length < DirectSendSize)
        {
            this.Write(source.Span);
            return FlushAsync(cancellationToken);
        }

        return SendDirectAsync(source, cancellationToken);
    }

    public override void CancelPendingFlush() => _cancelRequested = true;

    public override void Complete(Exception? exception = null)
    {
        if (exception is null && _unflushed > 0 && !_completed)
        {
            // Rare: our callers complete asynchronously. A synchronous completion sends what is buffered, as StreamPipeWriter does.
            FlushAsync().AsTask().GetAwaiter().GetResult();
        }

        _completed = true;
        ReleaseAll();
    }

    public override async ValueTask CompleteAsync(Exception? exception = null)
    {
        try
        {
            if (exception is null && _unflushed > 0 && !_completed)
            {
                await FlushAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _completed = true;
            ReleaseAll();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<FlushResult> FinishSendAsync(ValueTask send)
    {
        try
        {
            await send.ConfigureAwait(false);
        }
        finally
        {
            ReleaseAll();
        }

        return Result();
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<FlushResult> SendChainAsync(CancellationToken cancellationToken)
    {
        try
        {
            for (PooledSegment? segment = _head; segment is not null; segment = segment.NextSegment)
            {
                await stream.WriteAsync(segment.Written, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ReleaseAll();
        }

        return Result();
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<FlushResult> SendDirectAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken)
    {
        if (_unflushed > 0)
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        await stream.WriteAsync(source, cancellationToken).ConfigureAwait(false);
        return Result();
    }

    private FlushResult Result()
    {
        bool canceled = _cancelRequested;
        if (canceled)
        {
            _cancelRequested = false;
        }

        return new FlushResult(canceled, isCompleted: false);
    }

    private void ReleaseAll()
    {
        while (_head is { } segment)
        {
            _head = segment.NextSegment;
            _spares.Give(segment);
        }

        _tail = null;
        _unflushed = 0;
    }
}
