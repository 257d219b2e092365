namespace AppProtocol.Server;

/// <summary>What a connection is waiting for when its deadline passes, and so what the heartbeat does about it.</summary>
internal enum DeadlineKind
{
    /// <summary>No deadline (a handler is running).</summary>
    None,

    /// <summary>The next frame, between frames.</summary>
    Idle,

    /// <summary>The rest of a frame whose first bytes arrived.</summary>
    Frame,

    /// <summary>The peer to read a response.</summary>
    Write,

    /// <summary>The one more request a stopping server still takes from a connection that has just answered.</summary>
    Drain,

    /// <summary>The next bytes of a streamed request's content, under the minimum request data rate.</summary>
    Content,

    /// <summary>A connection middleware's step, set through <see cref="Transport.Features.IConnectionTimeoutFeature"/>.</summary>
    Middleware,
}

/// <summary>A connection's one deadline, written by its loop and read by the heartbeat; no timer of its own.</summary>
internal struct ConnectionDeadline
{
    private long _due;
    private int _kind;

    public readonly DeadlineKind Kind => (DeadlineKind)Volatile.Read(in _kind);

    /// <summary>Sets the deadline <paramref name="timeout"/> after <paramref name="from"/> (a <see cref="TimeProvider"/> timestamp); an infinite timeout sets none.</summary>
    public void Set(DeadlineKind kind, long from, TimeSpan timeout, TimeProvider clock)
    {
        long due = timeout == Timeout.InfiniteTimeSpan
            ? long.MaxValue
            : from + (long)Math.Min(timeout.TotalSeconds * clock.TimestampFrequency, long.MaxValue - from);
        Volatile.Write(ref _due, due);
        Volatile.Write(ref _kind, (int)kind);
    }

    public void Clear() => Volatile.Write(ref _kind, (int)DeadlineKind.None);

    /// <summary>The kind of the deadline that has passed at <paramref name="now"/>, or <see cref="DeadlineKind.None"/>.</summary>
    public readonly DeadlineKind Expired(long now)
    {
        var kind = (DeadlineKind)Volatile.Read(in _kind);
        return kind != DeadlineKind.None && now >= Volatile.Read(in _due) ? kind : DeadlineKind.None;
    }
}
