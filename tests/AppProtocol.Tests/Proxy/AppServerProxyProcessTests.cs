using AppProtocol.Samples;
using AppProtocol.Tests.Client;
using AppProtocol.Tests.Server;
using static AppProtocol.Fuzz.ProxyHeaderBuilder;

namespace AppProtocol.Tests.Proxy;

/// <summary>The built <c>app-server</c> and <c>app-server-kestrel</c> with <c>--proxy-protocol</c> and <c>--trusted-proxy</c>, as processes: the lines name the client the header names, an untrusted balancer is refused, and the options' mistakes.</summary>
public sealed class AppServerProxyProcessTests
{
    private const string Morpheus = "Follow the white rabbit. \U0001F430";
    private const string Client = "('203.0.113.7', 51234)";

    public static TheoryData<string> Programs() => ["app-server", "app-server-kestrel"];

    /// <summary>Each program trusting loopback by default, and by the option.</summary>
    public static TheoryData<string, string[]> ProgramsAndTrust() => new()
    {
        { "app-server", [] },
        { "app-server", ["--trusted-proxy", "127.0.0.1"] },
        { "app-server-kestrel", [] },
        { "app-server-kestrel", ["--trusted-proxy", "10.0.0.0/8", "--trusted-proxy", "127.0.0.0/8"] },
    };

    /// <summary>A wrong PROXY option on a command line and the line it prints to standard error before the usage.</summary>
    public static TheoryData<string, string[], string> UsageMistakes()
    {
        var cases = new TheoryData<string, string[], string>();
        foreach (string program in (string[])["app-server", "app-server-kestrel"])
        {
            cases.Add(program, ["127.0.0.1", "0", "--proxy-protocol", "--trusted-proxy"], "--trusted-proxy needs an IP address or a CIDR network.");
            cases.Add(program, ["127.0.0.1", "0", "--proxy-protocol", "--trusted-proxy", "--quiet"], "--trusted-proxy needs an IP address or a CIDR network.");
            cases.Add(program, ["127.0.0.1", "0", "--proxy-protocol", "--trusted-proxy", "balancer"], "Invalid --trusted-proxy 'balancer': expected an IP address (10.0.0.5) or a CIDR network (10.0.0.0/8).");
            cases.Add(program, ["127.0.0.1", "0", "--proxy-protocol", "--trusted-proxy", "10.0.0.1/8"], "Invalid --trusted-proxy '10.0.0.1/8': expected an IP address (10.0.0.5) or a CIDR network (10.0.0.0/8).");
            cases.Add(program, ["127.0.0.1", "0", "--trusted-proxy", "10.0.0.5"], "--trusted-proxy needs --proxy-protocol.");
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(ProgramsAndTrust))]
    public async Task The_lines_name_the_client_the_header_names(string program, string[] trust)
    {
        await using SampleServerProcess server = await SampleServerProcess.StartAsync(program, ["127.0.0.1", "0", "--proxy-protocol", .. trust]);

        await using (RawClient balancer = await RawClient.ConnectAsync(server.EndPoint))
        {
            await balancer.SendAsync((byte[])[.. V1($"PROXY TCP4 203.0.113.7 127.0.0.1 51234 {server.EndPoint.Port}\r\n"), .. Requests.Search("morpheus")]);
            Assert.Equal(Morpheus, Requests.Result((await balancer.ReadFrameAsync())!.Value));
        }

        await server.WaitForLineAsync($"Closing connection to {Client}");
        IReadOnlyList<string> lines = server.LinesEndingWith(Client);
        Assert.Equal(4, lines.Count);
        Assert.Equal($"Accepted connection from {Client}", lines[0]);
        Assert.Equal($"Received request {{'action': 'search', 'value': 'morpheus'}} from {Client}", lines[1]);
        Assert.StartsWith("Sending b'", lines[2], StringComparison.Ordinal);
        Assert.Equal($"Closing connection to {Client}", lines[3]);
        Assert.Equal(0, await server.TerminateAsync());
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public async Task A_balancer_that_is_not_trusted_is_refused_before_any_line(string program)
    {
        await using SampleServerProcess server = await SampleServerProcess.StartAsync(program, "127.0.0.1", "0", "--proxy-protocol", "--trusted-proxy", "10.0.0.0/8");

        string balancerAddress;
        await using (RawClient balancer = await RawClient.ConnectAsync(server.EndPoint))
        {
            balancerAddress = PythonRepr.Address(balancer.LocalEndPoint);
            await balancer.SendAsync((byte[])[.. V1($"PROXY TCP4 203.0.113.7 127.0.0.1 51234 {server.EndPoint.Port}\r\n"), .. Requests.Search("morpheus")]);
            await balancer.AssertClosedByServerAsync();
        }

        // A direct client is refused the same way: the header is required. The server printed nothing for either.
        await using (RawClient direct = await RawClient.ConnectAsync(server.EndPoint))
        {
            await direct.SendAsync(Requests.Search("morpheus"));
            await direct.AssertClosedByServerAsync();
        }

        Assert.Equal(0, await server.TerminateAsync());
        await server.WaitForLineAsync("Caught keyboard interrupt, exiting");
        Assert.Empty(server.LinesEndingWith(Client));
        Assert.Empty(server.LinesEndingWith(balancerAddress));
    }

    [Theory]
    [MemberData(nameof(UsageMistakes))]
    public async Task A_wrong_PROXY_option_prints_why_and_the_usage_and_exits_1(string program, string[] args, string error)
    {
        await using ChildProcess run = await ChildProcess.RunAsync(ChildProcess.StartDotnet(SampleServerProcess.ProgramPath(program), args));

        Assert.Equal($"Usage: {program} <host> <port>\n", run.StandardOutput);
        Assert.Equal(error + "\n", run.StandardError);
        Assert.Equal(1, run.ExitCode);
    }
}
