using System.Buffers;
using System.Threading.Tasks.Sources;
using AppProtocol.Framing;

namespace AppProtocol.Client;

/// <summary>
/// One request on one <see cref="FrameConnection"/>, from being queued for the wire until its response arrives: what
/// its caller awaits (a pooled <see cref="IValueTaskSource{TResult}"/>, no allocation per call), what goes on the
/// wire, and how far it got there.
/// </summary>
/// <remarks>
/// <para>It completes once: the first of answer, failure or cancellation wins. The continuation runs on the thread
/// pool (the object queues itself); only an answer to a client with
/// <see cref="FrameClientOptions.UnsafePreferInlineScheduling"/> runs it inline on the read loop.</para>
/// <para>It goes back to its pool when its last owner lets go: the caller (after its await, or when it disposes the
/// <see cref="FrameLease"/> over the response), the connection (while queued or pending), and the writer (while
/// encoding and flushing it). So a late response, write or cancellation never touches an object already reused.</para>
/// <para>The connection's lock guards <see cref="Detached"/>, <see cref="Stage"/>, <see cref="EndOffset"/> and
/// <see cref="TimedOutWhileWriting"/>.</para>
/// </remarks>
internal sealed class PendingRequest : IValueTaskSource<Frame>, IThreadPoolWorkItem
{
    private readonly BoundedPool<PendingRequest> _pool;
    private ManualResetValueTaskSourceCore<Frame> _core;
    private int _owners;
    private int _completed;
    private int _leaseHeld;
    private Frame _response;
    private Exception? _error;
    private byte[]? _leased;

    private PendingRequest(BoundedPool<PendingRequest> pool) => _pool = pool;

    /// <summary>Where a request is on its way to the wire.</summary>
    public enum WriteStage
    {
        Queued,
        Writing,
        Written,
    }

    /// <summary>The caller's frame, encoded again for each connection it goes out on (when <see cref="Encoded"/> is empty).</summary>
    public Frame Request { get; private set; }

    /// <summary>The whole frame already encoded (a JSON request), or empty.</summary>
    public ReadOnlyMemory<byte> Encoded { get; private set; }

    /// <summary>The request's content length, for the failure that names a server limit.</summary>
    public long ContentLength { get; private set; }

    /// <summary>Whether the response goes into a pooled buffer for a <see cref="FrameLease"/> rather than a copy of its own.</summary>
    public bool Leases { get; private set; }

    /// <summary>The call's cancellation, and the connection it waits on (for the cancellation callback).</summary>
    public CallTokens Tokens { get; set; }

    public FrameConnection? Connection { get; set; }

    /// <summary>Whether no caller awaits the response any more (it cancelled, or its request goes out again on
    /// another connection): a response that comes is discarded, and the connection does not stay open for it.</summary>
    public bool Detached { get; set; }

    public WriteStage Stage { get; set; }

    /// <summary>Where the request's last byte is in the connection's output, counted from its first byte.</summary>
    public long EndOffset { get; set; }

    /// <summary>The request timeout passed while it was being written: the writer completes it once it knows whether it went out whole.</summary>
    public bool TimedOutWhileWriting { get; set; }

    /// <summary>Whether the connection handed it back unwritten: its caller tries another connection.</summary>
    public bool HandedBack { get; private set; }

    /// <summary>Whether the connection or a cancellation completed it already.</summary>
    public bool IsCompleted => Volatile.Read(ref _completed) != 0;

    /// <summary>Takes one from the pool (or makes one), owned by the caller.</summary>
    public static PendingRequest Rent(BoundedPool<PendingRequest> pool, in Frame request, ReadOnlyMemory<byte> encoded, bool leases)
    {
        if (!pool.TryRent(out PendingRequest pending))
        {
            pending = new PendingRequest(pool);
        }

        pending._owners = 1;
        pending.Request = request;
        pending.Encoded = encoded;
        pending.ContentLength = encoded.IsEmpty ? request.Header.ContentLength : ClientFailures.ContentLengthOf(encoded);
        pending.Leases = leases;
        return pending;
    }

    /// <summary>What the caller awaits.</summary>
    public ValueTask<Frame> AsValueTask() => new(this, _core.Version);

    public void AddOwner() => Interlocked.Increment(ref _owners);

    /// <summary>One owner lets go; the last one resets it and returns it to the pool.</summary>
    public void ReleaseOwner()
    {
        if (Interlocked.Decrement(ref _owners) == 0)
        {
            Reset();
            _pool.Return(this);
        }
    }

    /// <summary>Answers with <paramref name="view"/>, a view of the read buffer: copied into a pooled buffer or one of its own.</summary>
    /// <param name="view">The response, valid until the read loop reads on.</param>
    /// <param name="inline">Whether the caller's continuation runs here, on the read loop, rather than on the thread pool.</param>
    public void Answer(in Frame view, bool inline)
    {
        if (!Claim())
        {
            return;
        }

        if (Leases)
        {
            int length = checked((int)view.Content.Length);
            _leased = ArrayPool<byte>.Shared.Rent(length);
            view.Content.CopyTo(_leased);
            _response = new Frame(view.Header, new ReadOnlyMemory<byte>(_leased, 0, length));
        }
        else
        {
            _response = view.Clone();
        }

        if (inline)
        {
            _core.SetResult(_response);
        }
        else
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <summary>Fails with why no response will come; <see langword="false"/> when it had completed already.</summary>
    public bool Fail(Exception error)
    {
        if (!Claim())
        {
            return false;
        }

        _error = error;
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        return true;
    }

    /// <summary>Completes without a response: the request was never written, and may go on another connection.</summary>
    public void HandBack()
    {
        if (Claim())
        {
            HandedBack = true;
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <summary>The server cannot have read this request: its caller may send it on another connection.</summary>
    public void ReleaseUnread(string reason) => Fail(new RequestUnreadException(reason));

    /// <summary>Hands the pooled response to a lease, which releases the caller's ownership on dispose.</summary>
    public short TakeLease()
    {
        Volatile.Write(ref _leaseHeld, 1);
        return _core.Version;
    }

    /// <summary>Whether a lease taken at <paramref name="version"/> is still the one held.</summary>
    public bool HoldsLease(short version) => _core.Version == version && Volatile.Read(ref _leaseHeld) == 1;

    public void EndLease(short version)
    {
        if (_core.Version == version && Interlocked.Exchange(ref _leaseHeld, 0) == 1)
        {
            ReleaseOwner();
        }
    }

    void IThreadPoolWorkItem.Execute()
    {
        if (_error is { } error)
        {
            _core.SetException(error);
        }
        else
        {
            _core.SetResult(_response);
        }
    }

    Frame IValueTaskSource<Frame>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<Frame>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<Frame>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private bool Claim() => Interlocked.Exchange(ref _completed, 1) == 0;

    private void Reset()
    {
        if (_leased is { } leased)
        {
            _leased = null;
            ArrayPool<byte>.Shared.Return(leased);
        }

        _core.Reset();
        _completed = 0;
        _leaseHeld = 0;
        _response = default;
        _error = null;
        Request = default;
        Encoded = default;
        Tokens = default;
        Connection = null;
        Detached = false;
        HandedBack = false;
        Stage = WriteStage.Queued;
        EndOffset = 0;
        TimedOutWhileWriting = false;
    }
}
