using System.Globalization;
using System.Text.RegularExpressions;

namespace AppProtocol.Tests.Client;

/// <summary>tests/reference/app-server.py running on a free loopback port.</summary>
internal sealed partial class PythonReferenceServer : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private PythonReferenceServer(ChildProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string Output => _process.StandardOutput;

    public static async Task<PythonReferenceServer> StartAsync()
    {
        ChildProcess process = ChildProcess.StartPython(TestPaths.Reference("app-server.py"), "127.0.0.1", "0");
        try
        {
            string listening = await process.ReadFirstLineAsync();
            Match port = ListeningLine().Match(listening);
            Assert.True(port.Success, $"Unexpected first line from app-server.py: {listening}");
            return new PythonReferenceServer(process, int.Parse(port.Groups[1].Value, CultureInfo.InvariantCulture));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    [GeneratedRegex(@"^Listening on \('127\.0\.0\.1', (\d+)\)$")]
    private static partial Regex ListeningLine();
}
