using System.Net;
using System.Net.Security;
using AppProtocol.Proxy;
using AppProtocol.Transport;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AppProtocol.Server;

/// <summary>
/// Composes a server: options, connection middleware (once per connection, before frames), exchange middleware
/// (around each request) and the handler; then builds a <see cref="FrameServer"/> on listeners, or a
/// <see cref="FrameConnectionHandler"/> for another host such as Kestrel.
/// </summary>
public sealed class FrameServerBuilder
{
    private readonly List<Func<ConnectionDelegate, ConnectionDelegate>> _connectionMiddleware = [];
    private readonly List<Func<FrameHandler, FrameHandler>> _exchangeMiddleware = [];
    private readonly List<(IConnectionListenerFactory Factory, EndPoint EndPoint, SslServerAuthenticationOptions? Tls)> _transports = [];
    private FrameHandler? _handler;

    /// <summary>Creates a builder.</summary>
    /// <param name="options">The settings; <see langword="null"/> for the defaults.</param>
    public FrameServerBuilder(FrameServerOptions? options = null) => Options = options ?? new FrameServerOptions();

    /// <summary>The settings, snapshotted when the server is built.</summary>
    public FrameServerOptions Options { get; }

    /// <summary>Where logs go; none when <see langword="null"/>.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Adds connection middleware, which runs once per connection before its frames (the place for the PROXY protocol, client-certificate checks, connection rate limits). The first added runs first.</summary>
    /// <param name="middleware">Takes the rest of the pipeline, returns the pipeline with this step in front.</param>
    /// <returns>This builder.</returns>
    public FrameServerBuilder UseConnectionMiddleware(Func<ConnectionDelegate, ConnectionDelegate> middleware)
    {
        _connectionMiddleware.Add(middleware ?? throw new ArgumentNullException(nameof(middleware)));
        return this;
    }

    /// <summary>
    /// Turns the PROXY protocol on (<see cref="FrameServerOptions.ProxyProtocol"/>): before anything else on a
    /// connection, its TLS handshake included, a trusted proxy's header is read and the connection becomes the
    /// original client's (see <see cref="ProxyProtocolMiddleware"/>).
    /// </summary>
    /// <param name="configure">Sets who is trusted, whether the header is required, its timeout; the defaults when <see langword="null"/>.</param>
    /// <returns>This builder.</returns>
    public FrameServerBuilder UseProxyProtocol(Action<ProxyProtocolOptions>? configure = null)
    {
        Options.ProxyProtocol ??= new ProxyProtocolOptions();
        configure?.Invoke(Options.ProxyProtocol);
        return this;
    }

    /// <summary>Adds exchange middleware, which runs around each request (logging, metrics, authorization, exception mapping). The first added runs outermost.</summary>
    /// <param name="middleware">Takes the next handler, returns a handler that calls it (or answers itself).</param>
    /// <returns>This builder.</returns>
    public FrameServerBuilder UseExchangeMiddleware(Func<FrameHandler, FrameHandler> middleware)
    {
        _exchangeMiddleware.Add(middleware ?? throw new ArgumentNullException(nameof(middleware)));
        return this;
    }

    /// <summary>Sets the handler that answers each request.</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This builder.</returns>
    public FrameServerBuilder Run(FrameHandler handler)
    {
        _handler = handler ?? throw new ArgumentNullException(nameof(handler));
        return this;
    }

    /// <summary>Listens on a transport other than the library's sockets (for example an <see cref="Transport.InMemory.InMemoryTransport"/>), besides <see cref="FrameServerOptions.Listen"/>.</summary>
    /// <param name="factory">The transport.</param>
    /// <param name="endPoint">The end point to bind.</param>
    /// <param name="tls">TLS settings for it, or <see langword="null"/>; the transport must offer its stream.</param>
    /// <returns>This builder.</returns>
    public FrameServerBuilder ListenOn(IConnectionListenerFactory factory, EndPoint endPoint, SslServerAuthenticationOptions? tls = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(endPoint);
        _transports.Add((factory, endPoint, tls));
        return this;
    }

    /// <summary>Builds the server core alone, for a host that brings its own connections (Kestrel, tests).</summary>
    /// <returns>The handler; dispose it when done.</returns>
    /// <exception cref="InvalidOperationException">No handler was set.</exception>
    public FrameConnectionHandler BuildConnectionHandler()
    {
        FrameHandler handler = _handler ?? throw new InvalidOperationException($"No handler: call {nameof(Run)} first.");
        for (int i = _exchangeMiddleware.Count - 1; i >= 0; i--)
        {
            handler = _exchangeMiddleware[i](handler);
        }

        ILogger logger = (LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<FrameServer>();
        var settings = new ServerSettings(Options, handler, logger);
        return new FrameConnectionHandler(settings, _connectionMiddleware);
    }

    /// <summary>Builds the server on <see cref="FrameServerOptions.Listen"/> and the transports given to <see cref="ListenOn"/>.</summary>
    /// <returns>The server; <see cref="FrameServer.StartAsync"/> starts it.</returns>
    /// <exception cref="InvalidOperationException">No handler was set, or nowhere to listen.</exception>
    public FrameServer Build() => new(BuildParts());

    /// <summary>The server core and what to bind, which <see cref="FrameServer"/> is made of.</summary>
    internal (FrameConnectionHandler Core, IReadOnlyList<ListenerSpec> Specs) BuildParts()
    {
        if (Options.Listen.Count == 0 && _transports.Count == 0)
        {
            throw new InvalidOperationException("No listen address: add one to FrameServerOptions.Listen (or call ListenOn).");
        }

        var listeners = new List<ListenerSpec>();
        var sockets = new SocketTransportFactory(Options.Backlog, Options.MemoryPool);
        foreach (ListenAddress address in Options.Listen)
        {
            listeners.Add(new ListenerSpec(sockets, null, address, address.ResolveTls()));
        }

        foreach (var (factory, endPoint, tls) in _transports)
        {
            listeners.Add(new ListenerSpec(factory, endPoint, null, tls));
        }

        return (BuildConnectionHandler(), listeners);
    }
}
