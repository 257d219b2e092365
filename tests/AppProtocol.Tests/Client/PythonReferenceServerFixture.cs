namespace AppProtocol.Tests.Client;

/// <summary>One Python reference server shared by a test class (it serves any number of connections), to start Python once.</summary>
public sealed class PythonReferenceServerFixture : IAsyncLifetime
{
    private PythonReferenceServer? _server;

    public int Port => (_server ?? throw new InvalidOperationException("Not started.")).Port;

    public async Task InitializeAsync() => _server = await PythonReferenceServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
