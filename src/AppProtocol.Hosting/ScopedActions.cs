using System.Runtime.CompilerServices;
using System.Text.Json.Serialization.Metadata;
using AppProtocol.Server;
using AppProtocol.Server.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AppProtocol.Hosting;

/// <summary>Maps JSON actions to services resolved from a new scope per exchange.</summary>
public static class ScopedActions
{
    /// <summary>
    /// Maps an action whose handler is a method of <typeparamref name="TService"/>: each request of this action
    /// resolves the service from a new scope, awaits the handler, and disposes the scope before the router writes the response.
    /// </summary>
    /// <typeparam name="TService">The service, resolved from the exchange's scope.</typeparam>
    /// <typeparam name="TRequest">The request value's type.</typeparam>
    /// <typeparam name="TResponse">The response content's type.</typeparam>
    /// <param name="router">The router.</param>
    /// <param name="services">The application's services (the factory that <see cref="AppProtocolServerBuilder.Run(Func{IServiceProvider, FrameHandler})"/> gets).</param>
    /// <param name="action">The action's name.</param>
    /// <param name="requestTypeInfo">Source-generated metadata to read the request value.</param>
    /// <param name="responseTypeInfo">Source-generated metadata to write the response.</param>
    /// <param name="handler">Computes the response with the service.</param>
    /// <returns>The router.</returns>
    public static JsonActionRouter MapScopedAction<TService, TRequest, TResponse>(
        this JsonActionRouter router,
        IServiceProvider services,
        string action,
        JsonTypeInfo<TRequest> requestTypeInfo,
        JsonTypeInfo<TResponse> responseTypeInfo,
        Func<TService, TRequest?, FrameExchange, CancellationToken, ValueTask<TResponse>> handler)
        where TService : notnull
    {
        ArgumentNullException.ThrowIfNull(router);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(handler);
        var scoped = new Scoped<TService, TRequest, TResponse>(services.GetRequiredService<IServiceScopeFactory>(), handler);
        return router.MapAction<TRequest, TResponse>(action, requestTypeInfo, responseTypeInfo, scoped.InvokeAsync);
    }

    /// <summary>One action's scope per request; made once, so that a request costs no delegate.</summary>
    private sealed class Scoped<TService, TRequest, TResponse>(
        IServiceScopeFactory scopes,
        Func<TService, TRequest?, FrameExchange, CancellationToken, ValueTask<TResponse>> handler)
        where TService : notnull
    {
        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        public async ValueTask<TResponse> InvokeAsync(TRequest? request, FrameExchange exchange, CancellationToken cancellationToken)
        {
            AsyncServiceScope scope = scopes.CreateAsyncScope();
            try
            {
                TService service = scope.ServiceProvider.GetRequiredService<TService>();
                return await handler(service, request, exchange, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await scope.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
