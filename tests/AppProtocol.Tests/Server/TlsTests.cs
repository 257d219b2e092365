using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using AppProtocol.Tests.Support;
using AppProtocol.Transport;

namespace AppProtocol.Tests.Server;

public class TlsTests
{
    private static SslServerAuthenticationOptions ServerTls(bool requireClientCertificate = false) => new()
    {
        ServerCertificate = TestCertificates.Server,
        ClientCertificateRequired = requireClientCertificate,
        RemoteCertificateValidationCallback = requireClientCertificate
            ? (_, certificate, _, _) => certificate is not null && certificate.GetCertHashString() == TestCertificates.Client.GetCertHashString()
            : null,
    };

    private static SslClientAuthenticationOptions ClientTls(X509Certificate2? clientCertificate = null) => new()
    {
        TargetHost = "localhost",
        // The test's self-signed server certificate is trusted by its exact hash.
        RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == TestCertificates.Server.GetCertHashString(),
        ClientCertificates = clientCertificate is null ? null : [clientCertificate],
    };

    [Fact]
    public async Task Serves_over_TLS()
    {
        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler, o => o.Listen.Add(ListenAddress.Tcp("127.0.0.1", 0).WithTls(ServerTls())));
        await using RawClient client = await RawClient.ConnectTlsAsync(server.EndPoint, ClientTls());

        Assert.Equal("Follow the white rabbit. \U0001F430", Requests.Result(await client.ExchangeAsync(Requests.Search("morpheus"))));
        Assert.Equal("No match for 'b'.", Requests.Result(await client.ExchangeAsync(Requests.Search("b"))));
    }

    [Fact]
    public async Task Serves_mutual_TLS_client_with_the_expected_certificate()
    {
        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler, o => o.Listen.Add(ListenAddress.Tcp("127.0.0.1", 0).WithTls(ServerTls(requireClientCertificate: true))));
        await using RawClient client = await RawClient.ConnectTlsAsync(server.EndPoint, ClientTls(TestCertificates.Client));

        Assert.Equal("No match for 'a'.", Requests.Result(await client.ExchangeAsync(Requests.Search("a"))));
    }

    [Fact]
    public async Task Mutual_TLS_refuses_a_client_without_certificate_before_the_connection_counts_as_opened()
    {
        var log = new AppProtocol.Tests.Support.LogSignal();
        int opened = 0;
        await using TestServer server = await TestServer.StartAsync(
            SearchHandler.Handler,
            o =>
            {
                o.Listen.Add(ListenAddress.Tcp("127.0.0.1", 0).WithTls(ServerTls(requireClientCertificate: true)));
                o.ConnectionOpened = (_, _) => Interlocked.Increment(ref opened);
            },
            loggerFactory: log);

        // TLS 1.3 may report the refusal at the handshake or at the first read: either way no answer comes.
        try
        {
            await using RawClient client = await RawClient.ConnectTlsAsync(server.EndPoint, ClientTls());
            await client.SendAsync(Requests.Search("a"));
            await client.AssertClosedByServerAsync();
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
        }

        await log.WaitAsync("ConnectionClosed");
        Assert.Equal(0, Volatile.Read(ref opened));
        Assert.False(server.FirstClosed.IsCompleted);
    }

    [Fact]
    public async Task Plaintext_to_a_TLS_port_closes_that_connection_only()
    {
        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler, o => o.Listen.Add(ListenAddress.Tcp("127.0.0.1", 0).WithTls(ServerTls())));
        await using RawClient plain = await server.ConnectAsync();
        await using RawClient secure = await RawClient.ConnectTlsAsync(server.EndPoint, ClientTls());

        await plain.SendAsync(Requests.Search("a"));

        await plain.AssertClosedByServerAsync();
        Assert.Equal("No match for 'b'.", Requests.Result(await secure.ExchangeAsync(Requests.Search("b"))));
    }

    [Fact]
    public async Task Handshake_that_never_comes_times_out()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var log = new AppProtocol.Tests.Support.LogSignal();
        using var metrics = new MetricsRecorder();
        await using TestServer server = await TestServer.StartAsync(
            SearchHandler.Handler,
            o =>
            {
                o.Listen.Add(ListenAddress.Tcp("127.0.0.1", 0).WithTls(ServerTls()));
                o.TimeProvider = clock;
                o.MeterFactory = metrics.Factory;
                o.TlsHandshakeTimeout = TimeSpan.FromSeconds(7);
            },
            loggerFactory: log);
        await using RawClient silent = await server.ConnectAsync();
        await log.WaitAsync("StepTimeoutSet");

        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(0, log.Count("TimedOut"));
        clock.Advance(TimeSpan.FromSeconds(1));

        await silent.AssertClosedByServerAsync();
        await log.WaitAsync("ConnectionClosed");
        Assert.Contains(log.Events, e => e.Name == "TimedOut" && e.Message.Contains("TLS handshake", StringComparison.Ordinal));
        Assert.Equal(1, metrics.Sum("appprotocol.server.errors", "timeout"));
    }
}
