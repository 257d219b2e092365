using System.Globalization;
using AppProtocol.Server;
using AppProtocol.Tests.Server;
using AppProtocol.Tests.Support;
using AppProtocol.Transport;

namespace AppProtocol.Tests.Client;

/// <summary>The built app-client's options beyond the reference's: TLS against a private CA, mutual TLS, a Unix
/// socket, and their mistakes; against the built app-server (TLS) and a library server on a Unix socket.</summary>
public sealed class AppClientTlsProcessTests(TestCertificateFiles files) : IClassFixture<TestCertificateFiles>
{
    private const string Morpheus = "Got result: Follow the white rabbit. \U0001F430";
    private static readonly string AppClient = TestPaths.Sample("AppClient", "app-client");

    [Fact]
    public async Task Speaks_TLS_trusting_only_the_given_CA_and_refuses_a_server_the_system_does_not_trust()
    {
        await using SampleServerProcess server = await SampleServerProcess.StartAsync("app-server", "127.0.0.1", "0", "--tls-cert", files.ServerPem, "--tls-key", files.ServerKey);
        string port = server.EndPoint.Port.ToString(CultureInfo.InvariantCulture);

        await using ChildProcess trusted = await RunAsync("localhost", port, "search", "morpheus", "--tls-ca", files.AuthorityPem);
        await using ChildProcess untrusted = await RunAsync("localhost", port, "search", "morpheus", "--tls");

        Assert.Equal(0, trusted.ExitCode);
        Assert.Contains(Morpheus, trusted.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(2, untrusted.ExitCode);
        Assert.DoesNotContain("Got ", untrusted.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Presents_its_certificate_for_mutual_TLS_and_is_refused_without_one()
    {
        await using SampleServerProcess server = await SampleServerProcess.StartAsync(
            "app-server", "127.0.0.1", "0", "--tls-cert", files.ServerPem, "--tls-key", files.ServerKey, "--client-ca", files.AuthorityPem);
        string port = server.EndPoint.Port.ToString(CultureInfo.InvariantCulture);
        string certificate = Path.Combine(files.Folder, "client.pem");
        string key = Path.Combine(files.Folder, "client.key");

        await using ChildProcess mutual = await RunAsync("localhost", port, "search", "morpheus", "--tls-ca", files.AuthorityPem, "--tls-cert", certificate, "--tls-key", key);
        await using ChildProcess anonymous = await RunAsync("localhost", port, "search", "morpheus", "--tls-ca", files.AuthorityPem);

        Assert.Equal(0, mutual.ExitCode);
        Assert.Contains(Morpheus, mutual.StandardOutput, StringComparison.Ordinal);
        Assert.NotEqual(0, anonymous.ExitCode);
        Assert.DoesNotContain("Got ", anonymous.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connects_to_a_Unix_socket()
    {
        string path = Path.Combine(files.Folder, "app.sock");
        var options = new FrameServerOptions();
        options.Listen.Add(ListenAddress.Unix(path));
        await using var server = new FrameServer(options, SearchHandler.Handler);
        await server.StartAsync();

        await using ChildProcess client = await RunAsync("localhost", "1", "search", "morpheus", "--unix", path);

        Assert.Equal(0, client.ExitCode);
        Assert.Contains(Morpheus, client.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--tls-ca needs a file path.", "--tls-ca")]
    [InlineData("--unix needs a file path.", "--unix", "--tls")]
    [InlineData("--tls-key needs --tls-cert.", "--tls-key", "k.pem")]
    [InlineData("--tls is given twice.", "--tls", "--tls")]
    public async Task An_option_mistake_prints_why_and_the_usage_and_exits_1(string why, params string[] options)
    {
        await using ChildProcess client = await RunAsync(["127.0.0.1", "65432", "search", "morpheus", .. options]);

        Assert.Equal(1, client.ExitCode);
        Assert.Equal(why + "\n", client.StandardError);
        Assert.Equal("Usage: app-client <host> <port> <action> <value>\n", client.StandardOutput);
    }

    [Fact]
    public async Task A_CA_file_that_does_not_load_exits_1_naming_it()
    {
        string missing = Path.Combine(files.Folder, "missing.pem");

        await using ChildProcess client = await RunAsync("127.0.0.1", "65432", "search", "morpheus", "--tls-ca", missing);

        Assert.Equal(1, client.ExitCode);
        Assert.StartsWith("Error: cannot load a TLS file: ", client.StandardError, StringComparison.Ordinal);
    }

    private static Task<ChildProcess> RunAsync(params string[] args) => ChildProcess.RunAsync(ChildProcess.StartDotnet(AppClient, args));
}
