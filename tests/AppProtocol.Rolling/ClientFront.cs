using System.Net;
using AppProtocol.Client;

namespace AppProtocol.Rolling;

/// <summary>
/// No balancer: the callers' <see cref="FrameClient"/> is given the three backends (<see cref="FrameClientOptions.Servers"/>)
/// and spreads its calls itself, leaving out a stopped backend for its back-off and coming back to it when it answers.
/// </summary>
internal sealed class ClientFront : IFront
{
    private IReadOnlyList<Backend> _backends = [];

    public string Name => "client-side balancing (FrameClientOptions.Servers)";

    public int Port => 0;

    public Task StartAsync(IReadOnlyList<Backend> backends)
    {
        _backends = backends;
        return Task.CompletedTask;
    }

    /// <summary>The backends as the client's servers.</summary>
    public IReadOnlyList<DnsEndPoint> Servers => [.. _backends.Select(static b => new DnsEndPoint("127.0.0.1", b.Port))];

    // The restart has already waited for the backend to listen; the client finds it once its back-off has passed.
    public Task WaitUntilServingAsync(Backend backend) => Task.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
