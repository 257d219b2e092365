namespace AppProtocol.Client;

/// <summary>One call's cancellation: the caller's token, the request timeout's, and one that fires with either.</summary>
/// <param name="Caller">The caller's token: cancelling means the caller gave up.</param>
/// <param name="Timeout">Fires when <see cref="FrameClientOptions.RequestTimeout"/> has passed since the call began.</param>
/// <param name="Any">Fires with either.</param>
internal readonly record struct CallTokens(CancellationToken Caller, CancellationToken Timeout, CancellationToken Any);
