using Microsoft.Extensions.Logging;

namespace AppProtocol.Client;

/// <summary>
/// What a <see cref="FrameClient"/> has learned about whether its server keeps connections open, as HTTP/1.0 clients
/// learned about keep-alive: until a connection has carried two answers, one request at a time, so that a server that
/// closes after each answer can cost at most the one request that found out; once it has (<see cref="Mode.KeepsAlive"/>),
/// concurrent requests are pipelined; once the server has shown that it closes after each answer
/// (<see cref="Mode.ClosesAfterEachAnswer"/>), each request gets a connection of its own and none is reused.
/// </summary>
/// <remarks>
/// A server shows that it closes after each answer when the first answer on a connection carries
/// <c>"connection": "close"</c> (PROTOCOL.md E2), or when it closes or resets a connection after its first answer,
/// with a request waiting or within <see cref="PromptClose"/> (an idle timeout comes later). A server that marks its
/// last answers and then leaves a connection's first answer unmarked keeps connections again: the client starts over.
/// </remarks>
internal sealed class ConnectionReuse(string server, ILogger logger)
{
    /// <summary>A close this soon after a connection's only answer is a server closing after each answer, not an idle timeout.</summary>
    public static readonly TimeSpan PromptClose = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _turn = new(1, 1);
    private int _mode;

    // The server has sent "connection": "close" at least once: its unmarked answers mean it keeps the connection.
    private volatile bool _marksLastAnswers;

    public enum Mode
    {
        Unknown,
        KeepsAlive,
        ClosesAfterEachAnswer,
    }

    public Mode Current => (Mode)Volatile.Read(ref _mode);

    /// <summary>Whether requests share a connection; when not, each request opens its own.</summary>
    public bool ReusesConnections => Current != Mode.ClosesAfterEachAnswer;

    /// <summary>Waits for the call's turn while requests may not be pipelined yet; returns whether the caller holds a turn to <see cref="Exit"/>.</summary>
    public async ValueTask<bool> EnterAsync(CancellationToken cancellationToken)
    {
        if (Current != Mode.Unknown)
        {
            return false;
        }

        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (Current == Mode.Unknown)
        {
            return true;
        }

        // Learned while waiting: no turns any more.
        _turn.Release();
        return false;
    }

    public void Exit(bool entered)
    {
        if (entered)
        {
            _turn.Release();
        }
    }

    /// <summary>A connection delivered its <paramref name="ordinal"/>-th answer (1 for the first).</summary>
    public void Answered(int ordinal, bool lastOnConnection)
    {
        if (lastOnConnection)
        {
            _marksLastAnswers = true;
        }

        if (ordinal >= 2)
        {
            Learn(Mode.KeepsAlive);
        }
        else if (lastOnConnection)
        {
            Learn(Mode.ClosesAfterEachAnswer);
        }
        else if (_marksLastAnswers && Current == Mode.ClosesAfterEachAnswer)
        {
            Learn(Mode.Unknown);
        }
    }

    /// <summary>The server closed or reset a connection after <paramref name="answers"/> answers.</summary>
    public void ServerClosed(int answers, bool requestWaiting, TimeSpan sinceLastAnswer)
    {
        if (answers == 1 && (requestWaiting || sinceLastAnswer < PromptClose))
        {
            Learn(Mode.ClosesAfterEachAnswer);
        }
    }

    private void Learn(Mode mode)
    {
        if (Interlocked.Exchange(ref _mode, (int)mode) != (int)mode)
        {
            FrameClientLog.ReuseLearned(logger, server, mode switch
            {
                Mode.KeepsAlive => "keeps its connections open: concurrent requests are pipelined",
                Mode.ClosesAfterEachAnswer => "closes its connection after each answer: each request gets a connection of its own",
                _ => "keeps its connections open again: requests go one at a time until a connection carries two answers",
            });
        }
    }
}
