using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using AppProtocol.Framing;
using AppProtocol.Samples;
using AppProtocol.Server;
using AppProtocol.Tests.Server;
using AppProtocol.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace AppProtocol.Tests.AspNetCore;

/// <summary>Kestrel's UseHttps in front of UseAppProtocol: TLS, and mutual TLS with the client certificate seen by the handler.</summary>
public sealed class UseAppProtocolTlsTests
{
    // Answers with what the handler sees of TLS: "protocol thumbprint" (an empty thumbprint without a client certificate).
    private static readonly FrameHandler Describe = (exchange, _) =>
    {
        byte[] answer = Encoding.UTF8.GetBytes($"{exchange.Connection.TlsProtocol} {exchange.Connection.ClientCertificate?.Thumbprint}");
        exchange.Respond(FrameHeader.Binary(SampleContentTypes.ServerBinary, answer.Length), answer);
        return ValueTask.CompletedTask;
    };

    [Fact]
    public async Task TLS_through_UseHttps()
    {
        await using KestrelHost host = await KestrelHost.StartAsync(l => l.UseHttps(TestCertificates.Server).UseAppProtocol(Describe));
        await using RawClient client = await RawClient.ConnectTlsAsync(host.EndPoint, ClientOptions(null));

        string[] seen = Requests.Text(await client.ExchangeAsync(Requests.Binary("x"))).Split(' ');

        Assert.True(Enum.TryParse(seen[0], out SslProtocols protocol) && protocol is SslProtocols.Tls12 or SslProtocols.Tls13, seen[0]);
        Assert.Equal("", seen[1]);
    }

    [Fact]
    public async Task Mutual_TLS_gives_the_handler_the_client_certificate()
    {
        await using KestrelHost host = await KestrelHost.StartAsync(l => l
            .UseHttps(https =>
            {
                https.ServerCertificate = TestCertificates.Server;
                https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                https.ClientCertificateValidation = (certificate, _, _) => certificate.Thumbprint == TestCertificates.Client.Thumbprint;
            })
            .UseAppProtocol(Describe));
        await using RawClient client = await RawClient.ConnectTlsAsync(host.EndPoint, ClientOptions(TestCertificates.Client));

        string[] seen = Requests.Text(await client.ExchangeAsync(Requests.Binary("x"))).Split(' ');

        Assert.Equal(TestCertificates.Client.Thumbprint, seen[1]);
    }

    private static SslClientAuthenticationOptions ClientOptions(X509Certificate2? certificate) => new()
    {
        TargetHost = "localhost",
        RemoteCertificateValidationCallback = (_, remote, _, _) => remote?.GetCertHashString() == TestCertificates.Server.Thumbprint,
        ClientCertificates = certificate is null ? null : [certificate],
    };
}
