using System.Net;
using System.Net.Sockets;

namespace AppProtocol.Tests.Client;

/// <summary>The built app-client program against the Python reference server: what it prints and how it exits.</summary>
public sealed class AppClientProcessTests(PythonReferenceServerFixture server) : IClassFixture<PythonReferenceServerFixture>
{
    private static readonly string AppClient = TestPaths.Sample("AppClient", "app-client");

    [Theory]
    [InlineData("search", "morpheus", "Got result: Follow the white rabbit. 🐰")]
    [InlineData("search", "🐶", "Got result: 🐾 Playing ball! 🏐")]
    [InlineData("foo", "bar", "Got response: b'First 10 bytes of request: foobar'")]
    [InlineData("it's", "", "Got response: b\"First 10 bytes of request: it's\"")]
    public async Task Prints_the_answer_like_the_reference_client(string action, string value, string expectedLine)
    {
        await using ChildProcess client = await ChildProcess.RunAsync(ChildProcess.StartDotnet(AppClient, "127.0.0.1", server.Port.ToString(), action, value));

        Assert.Equal(0, client.ExitCode);
        string[] lines = client.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"Starting connection to ('127.0.0.1', {server.Port})", lines[0]);
        Assert.StartsWith("Sending b'\\x00", lines[1]);
        Assert.Equal(expectedLine, lines[2]);
        Assert.Equal($"Closing connection to ('127.0.0.1', {server.Port})", lines[3]);
    }

    [Theory]
    [InlineData]
    [InlineData("127.0.0.1", "65432", "search")]
    [InlineData("127.0.0.1", "65432", "search", "morpheus", "extra")]
    public async Task Wrong_argument_count_prints_usage_and_exits_1(params string[] args)
    {
        await using ChildProcess client = await ChildProcess.RunAsync(ChildProcess.StartDotnet(AppClient, args));

        Assert.Equal(1, client.ExitCode);
        Assert.Equal("Usage: app-client <host> <port> <action> <value>\n", client.StandardOutput);
    }

    [Fact]
    public async Task Unreachable_server_exits_non_zero_with_a_message()
    {
        int closedPort = FreePortWithNoListener();

        await using ChildProcess client = await ChildProcess.RunAsync(ChildProcess.StartDotnet(AppClient, "127.0.0.1", closedPort.ToString(), "foo", "bar"));

        Assert.NotEqual(0, client.ExitCode);
        Assert.Contains("Could not connect to 127.0.0.1 port", client.StandardError);
        Assert.DoesNotContain("Got ", client.StandardOutput);
    }

    [Fact]
    public async Task Garbage_answer_exits_non_zero_naming_the_protocol_error()
    {
        await using var garbage = FakeServer.Tcp(async peer =>
        {
            await peer.ReadFrameAsync();
            await peer.WriteRawAsync("\0\u0002[]"u8.ToArray());
            peer.Close();
        });

        await using ChildProcess client = await ChildProcess.RunAsync(ChildProcess.StartDotnet(AppClient, "127.0.0.1", garbage.Port.ToString(), "foo", "bar"));

        Assert.Equal(3, client.ExitCode);
        Assert.Contains("HeaderNotObject", client.StandardError);
    }

    private static int FreePortWithNoListener()
    {
        // Bound but never listening: connecting is refused at once.
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
