namespace AppProtocol.Tests.Client;

/// <summary>The echo-client and multiconn-client programs (raw bytes, no frames) against an in-test echo server.</summary>
public sealed class RawSampleClientTests
{
    [Fact]
    public async Task Echo_client_prints_what_came_back()
    {
        await using var server = FakeServer.Tcp(peer => peer.EchoBytesAsync());

        await using ChildProcess client = await ChildProcess.RunAsync(ChildProcess.StartDotnet(TestPaths.Sample("EchoClient", "echo-client"), "127.0.0.1", server.Port.ToString()));

        Assert.True(client.ExitCode == 0, client.StandardError);
        Assert.Equal("Received b'Hello, world'\n", client.StandardOutput);
    }

    [Fact]
    public async Task Multiconn_client_sends_two_messages_on_each_connection_and_gets_them_back()
    {
        await using var server = FakeServer.Tcp(peer => peer.EchoBytesAsync());

        await using ChildProcess client = await ChildProcess.RunAsync(ChildProcess.StartDotnet(TestPaths.Sample("MulticonnClient", "multiconn-client"), "127.0.0.1", server.Port.ToString(), "3"));

        Assert.True(client.ExitCode == 0, client.StandardError);
        string[] lines = client.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, server.Accepted);
        for (int id = 1; id <= 3; id++)
        {
            Assert.Contains($"Starting connection {id} to ('127.0.0.1', {server.Port})", lines);
            Assert.Contains($"Sending b'Message 1 from client.' to connection {id}", lines);
            Assert.Contains($"Sending b'Message 2 from client.' to connection {id}", lines);
            Assert.Contains($"Closing connection {id}", lines);
            string echoed = string.Concat(lines
                .Where(l => l.StartsWith("Received b'", StringComparison.Ordinal) && l.EndsWith($"' from connection {id}", StringComparison.Ordinal))
                .Select(l => l["Received b'".Length..^$"' from connection {id}".Length]));
            Assert.Equal("Message 1 from client.Message 2 from client.", echoed);
        }
    }

    [Fact]
    public async Task Multiconn_client_with_wrong_arguments_prints_usage_and_exits_1()
    {
        await using ChildProcess client = await ChildProcess.RunAsync(ChildProcess.StartDotnet(TestPaths.Sample("MulticonnClient", "multiconn-client"), "127.0.0.1"));

        Assert.Equal(1, client.ExitCode);
        Assert.Equal("Usage: multiconn-client <host> <port> <num_connections>\n", client.StandardOutput);
    }
}
