namespace AppProtocol.Tests.Support;

/// <summary>
/// A SynchronizationContext whose thread never gets to what is posted to it, as a UI thread blocked on a call's result
/// (<c>.Result</c>, <c>.Wait()</c>): work the library posts there never runs. It counts the posts.
/// </summary>
public sealed class BlockedSynchronizationContext : SynchronizationContext
{
    private int _posted;

    /// <summary>How many callbacks were posted (and dropped).</summary>
    public int Posted => Volatile.Read(ref _posted);

    /// <summary>Runs <paramref name="start"/> on this thread with the context current, then puts the previous one back.</summary>
    public T Run<T>(Func<T> start)
    {
        SynchronizationContext? previous = Current;
        SetSynchronizationContext(this);
        try
        {
            return start();
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }

    public override void Post(SendOrPostCallback d, object? state) => Interlocked.Increment(ref _posted);

    public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException("The context's thread is blocked.");
}
