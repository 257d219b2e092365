using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using AppProtocol.Framing;
using AppProtocol.Samples;
using AppProtocol.Tests.Client;
using AppProtocol.Tests.Support;

namespace AppProtocol.Tests.Server;

/// <summary>
/// The built <c>app-server</c> and <c>app-server-kestrel</c> with <c>--tls-cert</c>, <c>--tls-key</c> and
/// <c>--client-ca</c>, as processes: TLS (the library's on app-server, Kestrel's UseHttps on app-server-kestrel),
/// mutual TLS against a test CA, a plaintext client on the TLS port, and the command line's TLS mistakes.
/// </summary>
public sealed class AppServerTlsProcessTests(TestCertificateFiles files) : IClassFixture<TestCertificateFiles>
{
    private const string Morpheus = "Follow the white rabbit. \U0001F430";

    public static TheoryData<string> Programs() => ["app-server", "app-server-kestrel"];

    public static TheoryData<string, string> ProgramsAndFormats() => new()
    {
        { "app-server", "pem" },
        { "app-server", "pfx" },
        { "app-server-kestrel", "pem" },
        { "app-server-kestrel", "pfx" },
    };

    /// <summary>A wrong TLS option on a command line (<c>{cert}</c>, <c>{key}</c>, <c>{ca}</c> stand for the test's files) and the line it prints to standard error before the usage.</summary>
    public static TheoryData<string, string[], string> UsageMistakes()
    {
        var cases = new TheoryData<string, string[], string>();
        foreach (string program in (string[])["app-server", "app-server-kestrel"])
        {
            cases.Add(program, ["127.0.0.1", "0", "--tls-cert"], "--tls-cert needs a file path.");
            cases.Add(program, ["127.0.0.1", "0", "--tls-cert", "--quiet"], "--tls-cert needs a file path.");
            cases.Add(program, ["127.0.0.1", "0", "--tls-cert", "{cert}", "--tls-key", "{key}", "--client-ca"], "--client-ca needs a file path.");
            cases.Add(program, ["127.0.0.1", "0", "--client-ca", "{ca}"], "--client-ca needs --tls-cert.");
            cases.Add(program, ["127.0.0.1", "0", "--tls-key", "{key}"], "--tls-key needs --tls-cert.");
            cases.Add(program, ["127.0.0.1", "0", "--tls-cert", "{cert}", "--tls-cert", "{cert}"], "--tls-cert is given twice.");
        }

        return cases;
    }

    /// <summary>A TLS file that cannot be loaded, and how its error line starts.</summary>
    public static TheoryData<string, string[], string> FileMistakes()
    {
        var cases = new TheoryData<string, string[], string>();
        foreach (string program in (string[])["app-server", "app-server-kestrel"])
        {
            cases.Add(program, ["127.0.0.1", "0", "--tls-cert", "{dir}/missing.pem"], "Cannot load the certificate '{dir}/missing.pem': ");
            cases.Add(program, ["127.0.0.1", "0", "--tls-cert", "{cert}"], "Cannot load the certificate '{cert}': ");
            cases.Add(program, ["127.0.0.1", "0", "--tls-cert", "{cert}", "--tls-key", "{ca}"], "Cannot load the certificate '{cert}': ");
            cases.Add(program, ["127.0.0.1", "0", "--tls-cert", "{cert}", "--tls-key", "{key}", "--client-ca", "{dir}/missing.pem"], "Cannot load the client CA '{dir}/missing.pem': ");
            cases.Add(program, ["127.0.0.1", "0", "--tls-cert", "{cert}", "--tls-key", "{key}", "--client-ca", "{key}"], "Cannot load the client CA '{key}': ");
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(ProgramsAndFormats))]
    public async Task Serves_TLS_prints_the_same_lines_and_stops_on_SIGTERM(string program, string format)
    {
        string[] certificate = format == "pem" ? ["--tls-cert", files.ServerPem, "--tls-key", files.ServerKey] : ["--tls-cert", files.ServerPfx];
        await using SampleServerProcess server = await SampleServerProcess.StartAsync(program, ["127.0.0.1", "0", .. certificate]);

        string peer;
        await using (RawClient client = await RawClient.ConnectTlsAsync(server.EndPoint, ClientTls(null)))
        {
            peer = PythonRepr.Address(client.LocalEndPoint);
            Assert.Equal(Morpheus, Requests.Result(await client.ExchangeAsync(Requests.Search("morpheus"))));
        }

        await server.WaitForLineAsync($"Closing connection to {peer}");
        IReadOnlyList<string> lines = server.LinesEndingWith(peer);
        Assert.Equal(4, lines.Count);
        Assert.Equal($"Accepted connection from {peer}", lines[0]);
        Assert.StartsWith("Accepted connection from ('127.0.0.1', ", lines[0], StringComparison.Ordinal);
        Assert.Equal($"Received request {{'action': 'search', 'value': 'morpheus'}} from {peer}", lines[1]);
        Assert.StartsWith("Sending b'", lines[2], StringComparison.Ordinal);
        Assert.Equal($"Closing connection to {peer}", lines[3]);

        Assert.Equal(0, await server.TerminateAsync());
        await server.WaitForLineAsync("Caught keyboard interrupt, exiting");
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public async Task Mutual_TLS_serves_a_client_of_the_CA_and_refuses_others(string program)
    {
        await using SampleServerProcess server = await SampleServerProcess.StartAsync(
            program, "127.0.0.1", "0", "--tls-cert", files.ServerPem, "--tls-key", files.ServerKey, "--client-ca", files.AuthorityPem);

        await AssertRefusedAsync(server, clientCertificate: null);
        await AssertRefusedAsync(server, files.Stranger);
        await AssertServedAsync(server, files.Client);
        await AssertRefusedAsync(server, files.Stranger);
        await AssertServedAsync(server, files.Client);

        Assert.Equal(0, await server.TerminateAsync());
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public async Task Plaintext_to_the_TLS_port_gets_no_answer_and_the_server_keeps_serving(string program)
    {
        await using SampleServerProcess server = await SampleServerProcess.StartAsync(
            program, "127.0.0.1", "0", "--tls-cert", files.ServerPem, "--tls-key", files.ServerKey);

        await using (RawClient plain = await RawClient.ConnectAsync(server.EndPoint))
        {
            await plain.SendAsync(Requests.Search("morpheus"));
            await plain.AssertClosedByServerAsync();
        }

        await AssertServedAsync(server, clientCertificate: null);
        Assert.Equal(0, await server.TerminateAsync());
    }

    [Theory]
    [MemberData(nameof(UsageMistakes))]
    public async Task A_wrong_TLS_option_prints_why_and_the_usage_and_exits_1(string program, string[] args, string error)
    {
        await using ChildProcess run = await ChildProcess.RunAsync(ChildProcess.StartDotnet(SampleServerProcess.ProgramPath(program), [.. args.Select(Files)]));

        Assert.Equal($"Usage: {program} <host> <port>\n", run.StandardOutput);
        Assert.Equal(error + "\n", run.StandardError);
        Assert.Equal(1, run.ExitCode);
    }

    [Theory]
    [MemberData(nameof(FileMistakes))]
    public async Task A_TLS_file_that_cannot_be_loaded_prints_one_line_and_exits_1(string program, string[] args, string errorStart)
    {
        await using ChildProcess run = await ChildProcess.RunAsync(ChildProcess.StartDotnet(SampleServerProcess.ProgramPath(program), [.. args.Select(Files)]));

        Assert.Equal("", run.StandardOutput);
        string line = Assert.Single(run.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(Files(errorStart), line, StringComparison.Ordinal);
        Assert.True(line.Length > Files(errorStart).Length, line);
        Assert.Equal(1, run.ExitCode);
    }

    // The test CA is the only root the client trusts; the name checked is localhost. No TLS resumption: each client makes its own handshake.
    private SslClientAuthenticationOptions ClientTls(X509Certificate2? clientCertificate) => new()
    {
        TargetHost = "localhost",
        AllowTlsResume = false,
        CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            CustomTrustStore = { files.Authority },
            RevocationMode = X509RevocationMode.NoCheck,
        },
        ClientCertificates = clientCertificate is null ? null : [clientCertificate],
        // Sends this certificate whatever CAs the server names.
        LocalCertificateSelectionCallback = clientCertificate is null ? null : (_, _, _, _, _) => clientCertificate,
    };

    private async Task AssertServedAsync(SampleServerProcess server, X509Certificate2? clientCertificate)
    {
        await using RawClient client = await RawClient.ConnectTlsAsync(server.EndPoint, ClientTls(clientCertificate));
        Assert.Equal(Morpheus, Requests.Result(await client.ExchangeAsync(Requests.Search("morpheus"))));
        await server.WaitForLineAsync($"Accepted connection from {PythonRepr.Address(client.LocalEndPoint)}");
    }

    // The refusal reaches the client at the handshake (an exception) or, with TLS 1.3, after the client's side of it:
    // then the first read sees the connection end (or fail). Never an answer.
    private async Task AssertRefusedAsync(SampleServerProcess server, X509Certificate2? clientCertificate)
    {
        Frame? answer = null;
        Exception? failure = await Record.ExceptionAsync(async () =>
        {
            await using RawClient client = await RawClient.ConnectTlsAsync(server.EndPoint, ClientTls(clientCertificate));
            await client.SendAsync(Requests.Search("morpheus"));
            answer = await client.ReadFrameAsync();
        });

        Assert.Null(answer);
        if (failure is not null)
        {
            Assert.True(failure is AuthenticationException or IOException and not ProtocolException, failure.ToString());
        }
    }

    private string Files(string text) => text
        .Replace("{dir}", files.Folder, StringComparison.Ordinal)
        .Replace("{cert}", files.ServerPem, StringComparison.Ordinal)
        .Replace("{key}", files.ServerKey, StringComparison.Ordinal)
        .Replace("{ca}", files.AuthorityPem, StringComparison.Ordinal);
}
