using System.Buffers;
using System.Net.Security;
using System.Text;
using AppProtocol.Client;
using AppProtocol.Framing;
using AppProtocol.Hosting;
using AppProtocol.Server;
using AppProtocol.Tests.Server;
using AppProtocol.Tests.Support;
using AppProtocol.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace AppProtocol.Tests.Hosting;

/// <summary>A named client's TLS, mutual TLS (certificates from files, a private CA) and Unix socket settings, against real servers.</summary>
public sealed class ClientTransportSettingsTests
{
    // Answers with the subject of the client's certificate, or "none".
    private static readonly FrameHandler WhoIsCalling = (exchange, _) =>
    {
        exchange.Respond(Frame.Binary("binary/subject", Encoding.UTF8.GetBytes(exchange.Connection.ClientCertificate?.Subject ?? "none")));
        return ValueTask.CompletedTask;
    };

    [Fact]
    public async Task Mutual_tls_from_files_trusts_the_private_ca_and_presents_the_client_certificate()
    {
        using var files = new TestCertificateFiles();
        await using TestServer server = await TestServer.StartAsync(WhoIsCalling, o => o.Listen.Add(ListenAddress.Tcp("127.0.0.1", 0).WithTls(MutualTls(files))));

        string subject = await CallAsync(files, server, files.AuthorityPem);

        Assert.Equal("CN=appprotocol-test-client", subject);
    }

    [Fact]
    public async Task A_server_certificate_from_another_ca_is_refused_before_the_request_goes_out()
    {
        using var files = new TestCertificateFiles();
        await using TestServer server = await TestServer.StartAsync(WhoIsCalling, o => o.Listen.Add(ListenAddress.Tcp("127.0.0.1", 0).WithTls(MutualTls(files))));

        var error = await Assert.ThrowsAsync<FrameClientException>(() => CallAsync(files, server, Path.Combine(files.Folder, "stranger.pem")));

        Assert.True(error.RequestNotProcessed);
    }

    [Fact]
    public async Task A_unix_socket_client_reaches_its_server()
    {
        string path = Path.Combine(Path.GetTempPath(), $"appprotocol-{Guid.NewGuid():N}.sock");
        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler, o => o.Listen.Add(ListenAddress.Unix(path)));
        var services = new ServiceCollection();
        services.AddFrameClient("local", o => o.UnixSocketPath = path);
        await using ServiceProvider provider = services.BuildServiceProvider();

        SearchResponse? answer = await provider.GetRequiredService<IFrameClientFactory>().CreateClient("local")
            .SendJsonAsync(new SearchRequest("search", "ring"), TestJsonContext.Default.SearchRequest, TestJsonContext.Default.SearchResponse);

        Assert.Equal("In the caves beneath the Misty Mountains. \U0001F48D", answer?.Result);
    }

    private static SslServerAuthenticationOptions MutualTls(TestCertificateFiles files) => new()
    {
        ServerCertificate = files.Server,
        ClientCertificateRequired = true,
        RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null,
    };

    private static async Task<string> CallAsync(TestCertificateFiles files, TestServer server, string authorities)
    {
        var services = new ServiceCollection();
        services.AddFrameClient("secure", o =>
        {
            (o.Host, o.Port, o.UseTls, o.TargetHost) = ("127.0.0.1", ((System.Net.IPEndPoint)server.EndPoint).Port, true, "localhost");
            o.CaCertificatePath = authorities;
            o.ClientCertificate = new CertificateSource { Path = Path.Combine(files.Folder, "client.pem"), KeyPath = Path.Combine(files.Folder, "client.key") };
        });
        await using ServiceProvider provider = services.BuildServiceProvider();
        Frame reply = await provider.GetRequiredService<IFrameClientFactory>().CreateClient("secure").SendAsync(Frame.Binary("binary/x", "?"u8.ToArray()));
        return Encoding.UTF8.GetString(reply.Content.ToArray());
    }
}
