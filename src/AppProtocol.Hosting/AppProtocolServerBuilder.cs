using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Security;
using AppProtocol.Server;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AppProtocol.Hosting;

/// <summary>Configures the AppProtocol server that <c>AddAppProtocolServer</c> registers: its handler, middleware, options and extra transports.</summary>
/// <remarks>Everything set here is used when the host starts the server; the last handler set wins.</remarks>
public sealed class AppProtocolServerBuilder
{
    private readonly AppProtocolServerRegistration _registration;

    internal AppProtocolServerBuilder(IServiceCollection services, AppProtocolServerRegistration registration)
    {
        Services = services;
        _registration = registration;
    }

    /// <summary>The application's services.</summary>
    public IServiceCollection Services { get; }

    internal AppProtocolServerRegistration Registration => _registration;

    /// <summary>Sets options in code, after those bound from configuration (so it overrides them).</summary>
    /// <param name="configure">Sets the options.</param>
    /// <returns>This builder.</returns>
    public AppProtocolServerBuilder Configure(Action<FrameServerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }

    /// <summary>Answers each exchange with <typeparamref name="THandler"/>, resolved from a new service scope per exchange, which is disposed when the exchange ends.</summary>
    /// <typeparam name="THandler">The handler; registered as scoped unless the services already have it.</typeparam>
    /// <returns>This builder.</returns>
    public AppProtocolServerBuilder MapHandler<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>()
        where THandler : class, IFrameHandler
    {
        Services.TryAddScoped<THandler>();
        _registration.HandlerFactory = ScopedFrameHandler<THandler>.Create;
        return this;
    }

    /// <summary>Answers each exchange with <paramref name="handler"/> (a <see cref="Server.Routing.JsonActionRouter"/>'s, for example), without a service scope.</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This builder.</returns>
    public AppProtocolServerBuilder Run(FrameHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _registration.HandlerFactory = _ => handler;
        return this;
    }

    /// <summary>Answers each exchange with the handler <paramref name="handlerFactory"/> makes from the application's services when the server starts.</summary>
    /// <param name="handlerFactory">Makes the handler, once.</param>
    /// <returns>This builder.</returns>
    public AppProtocolServerBuilder Run(Func<IServiceProvider, FrameHandler> handlerFactory)
    {
        _registration.HandlerFactory = handlerFactory ?? throw new ArgumentNullException(nameof(handlerFactory));
        return this;
    }

    /// <summary>Adds exchange middleware, as <see cref="FrameServerBuilder.UseExchangeMiddleware"/> does.</summary>
    /// <param name="middleware">Takes the next handler, returns a handler that calls it.</param>
    /// <returns>This builder.</returns>
    public AppProtocolServerBuilder UseExchangeMiddleware(Func<FrameHandler, FrameHandler> middleware)
    {
        _registration.ExchangeMiddleware.Add(middleware ?? throw new ArgumentNullException(nameof(middleware)));
        return this;
    }

    /// <summary>Adds connection middleware, as <see cref="FrameServerBuilder.UseConnectionMiddleware"/> does.</summary>
    /// <param name="middleware">Takes the rest of the pipeline, returns the pipeline with this step in front.</param>
    /// <returns>This builder.</returns>
    public AppProtocolServerBuilder UseConnectionMiddleware(Func<ConnectionDelegate, ConnectionDelegate> middleware)
    {
        _registration.ConnectionMiddleware.Add(middleware ?? throw new ArgumentNullException(nameof(middleware)));
        return this;
    }

    /// <summary>Also listens on another transport (an <see cref="Transport.InMemory.InMemoryTransport"/>, say), as <see cref="FrameServerBuilder.ListenOn"/> does.</summary>
    /// <param name="factory">The transport.</param>
    /// <param name="endPoint">The end point to bind.</param>
    /// <param name="tls">TLS settings for it, or <see langword="null"/>.</param>
    /// <returns>This builder.</returns>
    public AppProtocolServerBuilder ListenOn(IConnectionListenerFactory factory, EndPoint endPoint, SslServerAuthenticationOptions? tls = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(endPoint);
        _registration.Transports.Add((factory, endPoint, tls));
        return this;
    }
}
