using System.Runtime.CompilerServices;
using AppProtocol.Server;
using Microsoft.Extensions.DependencyInjection;

namespace AppProtocol.Hosting;

/// <summary>
/// Runs each exchange in a new service scope: resolves <typeparamref name="THandler"/> from it, calls it, disposes
/// the scope. Made once when the server starts; an exchange costs the scope and the handler, no delegate or closure.
/// </summary>
internal sealed class ScopedFrameHandler<THandler>(IServiceScopeFactory scopes)
    where THandler : class, IFrameHandler
{
    public static FrameHandler Create(IServiceProvider services) =>
        new ScopedFrameHandler<THandler>(services.GetRequiredService<IServiceScopeFactory>()).HandleAsync;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask HandleAsync(FrameExchange exchange, CancellationToken cancellationToken)
    {
        // Not 'await using': its ConfigureAwait would box the scope (a struct) on every exchange.
        AsyncServiceScope scope = scopes.CreateAsyncScope();
        try
        {
            THandler handler = scope.ServiceProvider.GetRequiredService<THandler>();
            await handler.HandleAsync(exchange, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await scope.DisposeAsync().ConfigureAwait(false);
        }
    }
}
