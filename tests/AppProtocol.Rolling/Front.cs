namespace AppProtocol.Rolling;

/// <summary>A layer-4 balancer in front of the backends: where clients connect, and when a restarted backend serves again.</summary>
internal interface IFront : IAsyncDisposable
{
    string Name { get; }

    int Port { get; }

    Task StartAsync(IReadOnlyList<Backend> backends);

    /// <summary>Completes once the balancer sends connections to <paramref name="backend"/> again.</summary>
    Task WaitUntilServingAsync(Backend backend);
}
