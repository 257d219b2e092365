using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace AppProtocol.Tests.Server;

/// <summary>The built <c>app-server</c> as a process: its command line, its output, a real exchange, SIGTERM.</summary>
public partial class AppServerProcessTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1", "1", "extra")]
    public async Task Wrong_argument_count_prints_usage_and_exits_1(params string[] args)
    {
        using Process process = Start(args);

        string output = await process.StandardOutput.ReadToEndAsync().WaitAsync(Patience);
        await process.WaitForExitAsync().WaitAsync(Patience);

        Assert.Equal("Usage: app-server <host> <port>" + Environment.NewLine, output);
        Assert.Equal(1, process.ExitCode);
    }

    [Fact]
    public async Task Serves_a_real_exchange_prints_reference_lines_and_stops_on_SIGTERM()
    {
        using Process process = Start("", "0");
        try
        {
            Match listening = ListeningLine().Match(await ReadLineAsync(process));
            Assert.True(listening.Success);
            int port = int.Parse(listening.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

            await using (RawClient client = await RawClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)))
            {
                Assert.Equal("Follow the white rabbit. \U0001F430", Requests.Result(await client.ExchangeAsync(Requests.Search("morpheus"))));
            }

            Assert.StartsWith("Accepted connection from ('127.0.0.1', ", await ReadLineAsync(process), StringComparison.Ordinal);
            Assert.StartsWith("Received request {'action': 'search', 'value': 'morpheus'} from ('127.0.0.1', ", await ReadLineAsync(process), StringComparison.Ordinal);
            Assert.StartsWith("Sending b'", await ReadLineAsync(process), StringComparison.Ordinal);
            Assert.StartsWith("Closing connection to ('127.0.0.1', ", await ReadLineAsync(process), StringComparison.Ordinal);

            using (Process kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync().WaitAsync(Patience);
            }

            await process.WaitForExitAsync().WaitAsync(Patience);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    private static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "app-server.dll"));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    private static async Task<string> ReadLineAsync(Process process) =>
        await process.StandardOutput.ReadLineAsync().WaitAsync(Patience) ?? throw new Xunit.Sdk.XunitException("app-server ended its output.");

    [GeneratedRegex(@"^Listening on \('', (\d+)\)$")]
    private static partial Regex ListeningLine();
}
