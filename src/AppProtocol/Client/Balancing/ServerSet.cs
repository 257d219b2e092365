using Microsoft.Extensions.Logging;

namespace AppProtocol.Client.Balancing;

/// <summary>
/// The servers of a client given several (<see cref="FrameClientOptions.Servers"/>): a client per server, each with its
/// own pool, and the choice of one for each call. A server whose call fails with a lost or refused connection is left out
/// for a back-off; the call goes to the next server when the failed one cannot have processed it, or when the call is
/// idempotent. When every server is left out, the one left out longest ago is tried: it is the likeliest to be back.
/// </summary>
internal sealed class ServerSet : IAsyncDisposable
{
    private readonly BalancedServer[] _servers;
    private readonly FrameLoadBalancing _policy;
    private readonly TimeSpan _backoff;
    private readonly ILogger _logger;
    private int _turn = -1;

    public ServerSet(FrameClientOptions options)
    {
        _servers = [.. options.Servers!.Select((server, i) => new BalancedServer(new FrameClient(options.ForServer(server)), i))];
        _policy = options.LoadBalancing;
        _backoff = options.ServerBackoff;
        _logger = options.EffectiveLogger;
    }

    /// <summary>Runs <paramref name="call"/> on a server, and on the next ones while a failure allows another try.</summary>
    public async ValueTask<T> SendAsync<T, TState>(TState state, Func<FrameClient, TState, CancellationToken, ValueTask<T>> call, bool idempotent, CancellationToken cancellationToken, bool resendable = true)
    {
        var tried = new bool[_servers.Length];
        for (int attempt = 1; ; attempt++)
        {
            BalancedServer server = Pick(tried);
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
                if (!resendable || attempt == _servers.Length || !(ex.RequestNotProcessed || idempotent))
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
        foreach (BalancedServer server in _servers)
        {
            await server.Client.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A server not yet tried for this call: the next up one in turn (round robin) or the up one with the fewest
    /// calls in progress (least outstanding, in turn among equals); with none up, the one left out longest ago.</summary>
    private BalancedServer Pick(bool[] tried)
    {
        long now = Environment.TickCount64;
        int start = (int)((uint)Interlocked.Increment(ref _turn) % (uint)_servers.Length);
        BalancedServer? best = null;
        BalancedServer? soonestBack = null;
        for (int i = 0; i < _servers.Length; i++)
        {
            BalancedServer server = _servers[(start + i) % _servers.Length];
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
}
