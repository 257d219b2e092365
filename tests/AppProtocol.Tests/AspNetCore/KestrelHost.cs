using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace AppProtocol.Tests.AspNetCore;

/// <summary>A WebApplication on loopback port 0: one endpoint configured by the test (AppProtocol), and optionally an HTTP one.</summary>
internal sealed class KestrelHost : IAsyncDisposable
{
    private readonly ListenOptions _appProtocol;
    private readonly ListenOptions? _http;

    private KestrelHost(WebApplication app, ListenOptions appProtocol, ListenOptions? http)
    {
        App = app;
        _appProtocol = appProtocol;
        _http = http;
    }

    public WebApplication App { get; }

    /// <summary>The AppProtocol endpoint, with the port Kestrel bound.</summary>
    public IPEndPoint EndPoint => _appProtocol.IPEndPoint!;

    public Uri HttpBase => new($"http://127.0.0.1:{_http!.IPEndPoint!.Port}/");

    public static async Task<KestrelHost> StartAsync(Action<ListenOptions> configure, bool http = false, ILoggerProvider? logs = null, Action<KestrelServerOptions>? kestrelOptions = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs);
        }

        ListenOptions? appProtocol = null, httpEndpoint = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrelOptions?.Invoke(kestrel);
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                appProtocol = listen;
                configure(listen);
            });
            if (http)
            {
                kestrel.Listen(IPAddress.Loopback, 0, listen => httpEndpoint = listen);
            }
        });

        WebApplication app = builder.Build();
        app.MapGet("/health", () => Results.Text("Healthy"));
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(20));
        return new KestrelHost(app, appProtocol!, httpEndpoint);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync().WaitAsync(TimeSpan.FromSeconds(20));
        await App.DisposeAsync();
    }
}
