namespace AppProtocol.Client;

/// <summary>One call's cancellation: the caller's token and the request timeout's, kept apart so that the hot path
/// registers on each rather than allocate a linked source per call.</summary>
/// <param name="Caller">The caller's token: cancelling means the caller gave up.</param>
/// <param name="Timeout">Fires when <see cref="FrameClientOptions.RequestTimeout"/> has passed since the call began.</param>
internal readonly record struct CallTokens(CancellationToken Caller, CancellationToken Timeout)
{
    public bool IsCancellationRequested => Caller.IsCancellationRequested || Timeout.IsCancellationRequested;

    /// <summary>One token that fires with either, for a wait off the hot path (connecting, a turn).</summary>
    /// <returns>The linked source to dispose after the wait, made only when both tokens can fire.</returns>
    public CancellationTokenSource? Link(out CancellationToken either)
    {
        if (Caller.CanBeCanceled && Timeout.CanBeCanceled)
        {
            var linked = CancellationTokenSource.CreateLinkedTokenSource(Caller, Timeout);
            either = linked.Token;
            return linked;
        }

        either = Caller.CanBeCanceled ? Caller : Timeout;
        return null;
    }
}
