using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using AppProtocol.Tests.Client;

namespace AppProtocol.Tests.Server;

/// <summary>The built <c>app-server</c>, and <c>app-server-kestrel</c> (the same program on Kestrel), as processes: their command line, their output, a real exchange, SIGTERM.</summary>
public partial class AppServerProcessTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public static TheoryData<string> Programs() => ["app-server", "app-server-kestrel"];

    public static TheoryData<string, string[]> WrongArguments()
    {
        var cases = new TheoryData<string, string[]>();
        foreach (string program in (string[])["app-server", "app-server-kestrel"])
        {
            cases.Add(program, []);
            cases.Add(program, ["127.0.0.1"]);
            cases.Add(program, ["127.0.0.1", "1", "extra"]);
            cases.Add(program, ["127.0.0.1", "port"]);
        }

        cases.Add("app-server-kestrel", ["127.0.0.1", "0", "--http-port"]);
        cases.Add("app-server-kestrel", ["127.0.0.1", "0", "--http-port", "x"]);

        return cases;
    }

    [Theory]
    [MemberData(nameof(WrongArguments))]
    public async Task Wrong_arguments_print_usage_and_exit_1(string program, string[] args)
    {
        using Process process = Start(program, args);

        string output = await process.StandardOutput.ReadToEndAsync().WaitAsync(Patience);
        await process.WaitForExitAsync().WaitAsync(Patience);

        Assert.Equal($"Usage: {program} <host> <port>" + Environment.NewLine, output);
        Assert.Equal(1, process.ExitCode);
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public async Task Serves_a_real_exchange_prints_reference_lines_and_stops_on_SIGTERM(string program)
    {
        using Process process = Start(program, "", "0");
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

            Assert.Equal("Caught keyboard interrupt, exiting", await ReadLineAsync(process));
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

    private static Process Start(string program, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        start.ArgumentList.Add(TestPaths.Sample(program == "app-server" ? "AppServer" : "KestrelAppServer", program));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    private static async Task<string> ReadLineAsync(Process process) =>
        await process.StandardOutput.ReadLineAsync().WaitAsync(Patience) ?? throw new Xunit.Sdk.XunitException("The server ended its output.");

    [GeneratedRegex(@"^Listening on \('', (\d+)\)$")]
    private static partial Regex ListeningLine();
}
