using Microsoft.Extensions.Logging;

namespace AppProtocol.Client.Balancing;

/// <summary>
/// The servers of a client given several (<see cref="FrameClientOptions.Servers"/>): a client per server address (a
/// name resolved at the first call, <see cref="ServerAddresses"/>), each with its own pool, and the choice of one for
/// each call. A server whose call fails with a lost or refused connection is left out
/// for a back-off; the call goes to the next server when the failed one cannot have processed it, or when the call is
/// idempotent. When every server is left out, the one left out longest ago is tried: it is the likeliest to be back.
/// </summary>
internal sealed class ServerSet : IAsyncDisposable
{
    private readonly FrameClientOptions _options;
    private readonly FrameLoadBalancing _policy;
    private readonly TimeSpan _backoff;
    private readonly ILogger _logger;
    private readonly Lock _resolving = new();
    private BalancedServer[] _servers = [];
    private Task<BalancedServer[]>? _resolved;
    private bool _disposed;
    private int _turn = -1;

    public ServerSet(FrameClientOptions options)
    {
        _options = options;
        _policy = options.LoadBalancing;
        _backoff = options.ServerBackoff;
        _logger = options.EffectiveLogger;
    }

    /// <summary>Runs <paramref name="call"/> on a server, and on the next ones while a failure allows another try.</summary>
    public async ValueTask<T> SendAsync<T, TState>(TState state, Func<FrameClient, TState, CancellationToken, ValueTask<T>> call, bool idempotent, CancellationToken cancellationToken, bool resendable = true)
    {
        BalancedServer[] servers = _servers.Length > 0 ? _servers : await ResolveAsync(cancellationToken).ConfigureAwait(false);
        var tried = new bool[servers.Length];
        for (int attempt = 1; ; attempt++)
        {
            BalancedServer server = Pick(servers, tried);
            tried[server.Index] = true;
            server.CallStarted();
            try
            {
                T result = await call(server.Client, state, cancellationToken).ConfigureAwait(false);
                server.Answered();
                return result;
            }
            catch (FrameClientException ex) when (!cancellationToken.IsCancellationRequested)
            {
                TimeSpan backoff = server.Failed(_backoff, FrameClientOptions.MaxServerBackoff);
                FrameClientLog.ServerLeftOut(_logger, server.Client.Options.Describe(), (long)backoff.TotalMilliseconds, ex);
                if (!resendable || attempt == servers.Length || !(ex.RequestNotProcessed || idempotent))
                {
                    throw;
                }
            }
            finally
            {
                server.CallEnded();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task<BalancedServer[]>? resolved;
        lock (_resolving)
        {
            _disposed = true;
            resolved = _resolved;
        }

        BalancedServer[] servers = resolved is { IsCompletedSuccessfully: true } ? resolved.Result : [];
        foreach (BalancedServer server in servers)
        {
            await server.Client.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A server not yet tried for this call: the next up one in turn (round robin) or the up one with the fewest
    /// calls in progress (least outstanding, in turn among equals); with none up, the one left out longest ago.</summary>
    private BalancedServer Pick(BalancedServer[] servers, bool[] tried)
    {
        long now = Environment.TickCount64;
        int start = (int)((uint)Interlocked.Increment(ref _turn) % (uint)servers.Length);
        BalancedServer? best = null;
        BalancedServer? soonestBack = null;
        for (int i = 0; i < servers.Length; i++)
        {
            BalancedServer server = servers[(start + i) % servers.Length];
            if (tried[server.Index])
            {
                continue;
            }

            if (!server.IsUp(now))
            {
                soonestBack = soonestBack is null || server.LeftOutUntil < soonestBack.LeftOutUntil ? server : soonestBack;
                continue;
            }

            if (_policy == FrameLoadBalancing.RoundRobin)
            {
                return server;
            }

            best = best is null || server.Outstanding < best.Outstanding ? server : best;
        }

        return best ?? soonestBack!;
    }

    /// <summary>The servers, one per address, resolved by the first call; a failed resolution is tried again by the next.</summary>
    private async Task<BalancedServer[]> ResolveAsync(CancellationToken cancellationToken)
    {
        Task<BalancedServer[]> resolving;
        lock (_resolving)
        {
            ObjectDisposedException.ThrowIf(_disposed, typeof(FrameClient));
            resolving = _resolved is { IsFaulted: false, IsCanceled: false } pending ? pending : (_resolved = ServerAddresses.ResolveAsync(_options, CancellationToken.None));
        }

        BalancedServer[] servers = await resolving.WaitAsync(cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _servers, servers);
        return servers;
    }
}
