using AppProtocol.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Registry;

namespace AppProtocol.Hosting;

/// <summary>The container's <see cref="IFrameClientFactory"/>: one <see cref="FrameClient"/> per name, made at its first use, disposed with the container.</summary>
internal sealed class FrameClientFactory(IServiceProvider services, ClientRegistry registry, IOptionsMonitor<FrameClientSettings> settings) : IFrameClientFactory, IAsyncDisposable, IDisposable
{
    private readonly Dictionary<string, NamedFrameClient> _clients = new(StringComparer.Ordinal);
    private bool _disposed;

    public NamedFrameClient CreateClient(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ClientRegistration registration = registry.Find(name)
            ?? throw new InvalidOperationException($"No AppProtocol client is named '{name}': the names registered with AddFrameClient are {registry.Names()}.");
        lock (_clients)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_clients.TryGetValue(name, out NamedFrameClient? client))
            {
                _clients[name] = client = Create(registration);
            }

            return client;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (NamedFrameClient client in TakeAll())
        {
            await client.Client.DisposeAsync().ConfigureAwait(false);
        }
    }

    // A container disposed synchronously (a console's "using ServiceProvider") gets here; FrameClient only closes sockets.
    public void Dispose()
    {
        foreach (NamedFrameClient client in TakeAll())
        {
            client.Client.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private NamedFrameClient[] TakeAll()
    {
        lock (_clients)
        {
            _disposed = true;
            NamedFrameClient[] all = [.. _clients.Values];
            _clients.Clear();
            return all;
        }
    }

    private NamedFrameClient Create(ClientRegistration registration)
    {
        FrameClientSettings given = settings.Get(registration.Name);   // validated here when the host did not at start
        ILogger logger = services.GetService<ILoggerFactory>()?.CreateLogger($"AppProtocol.Client.{registration.Name}") ?? NullLogger.Instance;
        ResiliencePipeline? pipeline = registration.Resilience.Count == 0
            ? null
            : services.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline(registration.PipelineKey);
        return new NamedFrameClient(registration.Name, new FrameClient(Options(given, logger)), pipeline);
    }

    private static FrameClientOptions Options(FrameClientSettings settings, ILogger logger) => new()
    {
        Host = settings.Host,
        Port = settings.UnixSocketPath is null ? settings.Port : 1,   // FrameClientOptions refuses port 0, and a Unix socket has none
        UnixSocketPath = settings.UnixSocketPath,
        UseTls = settings.UseTls,
        SslOptions = settings.SslOptions,
        TargetHost = settings.TargetHost,
        ClientCertificate = settings.ClientCertificate is { } certificate ? ClientTls.LoadCertificate(certificate) : null,
        RemoteCertificateValidation = settings.CaCertificatePath is { } authorities ? ClientTls.TrustOnly(ClientTls.LoadAuthorities(authorities)) : null,
        Limits = settings.Limits,
        ConnectTimeout = settings.ConnectTimeout,
        RequestTimeout = settings.RequestTimeout,
        RequestsAreIdempotent = settings.RequestsAreIdempotent,
        Logger = logger,
    };
}
