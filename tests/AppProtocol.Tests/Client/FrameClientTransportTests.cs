using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using AppProtocol.Client;
using AppProtocol.Framing;
using AppProtocol.Samples;
using AppProtocol.Tests.Support;

namespace AppProtocol.Tests.Client;

/// <summary>FrameClient over each transport: IPv4, IPv6, host names, Unix sockets, TLS.</summary>
public sealed class FrameClientTransportTests
{
    private static readonly Frame Request = Frame.Binary(SampleContentTypes.ClientBinary, "ping"u8.ToArray());

    [IPv6Fact]
    public async Task Connects_to_IPv6_loopback()
    {
        await using var server = FakeServer.Tcp(peer => peer.EchoFramesAsync(), IPAddress.IPv6Loopback);
        await using var client = new FrameClient(new FrameClientOptions { Host = "::1", Port = server.Port });

        Assert.Equal("echo:ping", await ContentOf(client.SendAsync(Request)));
    }

    [Fact]
    public async Task Host_name_tries_each_address_until_one_connects()
    {
        // "localhost" may resolve to ::1 first; the server listens on 127.0.0.1 only.
        await using var server = FakeServer.Tcp(peer => peer.EchoFramesAsync(), IPAddress.Loopback);
        await using var client = new FrameClient(new FrameClientOptions { Host = "localhost", Port = server.Port });

        Assert.Equal("echo:ping", await ContentOf(client.SendAsync(Request)));
    }

    [Fact]
    public async Task Connects_over_a_unix_socket()
    {
        string path = Path.Combine(Path.GetTempPath(), $"appprotocol-client-{Guid.NewGuid():N}.sock");
        try
        {
            await using var server = FakeServer.Unix(path, peer => peer.EchoFramesAsync());
            await using var client = new FrameClient(new FrameClientOptions { UnixSocketPath = path });

            Assert.Equal("echo:ping", await ContentOf(client.SendAsync(Request)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Tls_with_custom_validation_talks_to_a_self_signed_server_and_presents_the_client_certificate()
    {
        X509Certificate2 certificate = TestCertificates.Server;
        await using var server = FakeServer.Tcp(peer => peer.EchoFramesAsync(), certificate: certificate);
        X509Certificate? seenByClient = null;
        await using var client = new FrameClient(new FrameClientOptions
        {
            Host = "127.0.0.1",
            Port = server.Port,
            UseTls = true,
            TargetHost = "localhost",
            ClientCertificate = certificate,
            RemoteCertificateValidation = (_, presented, _, _) =>
            {
                seenByClient = presented;
                return presented is not null && presented.GetCertHashString() == certificate.Thumbprint;
            },
        });

        Assert.Equal("echo:ping", await ContentOf(client.SendAsync(Request)));
        Assert.Equal(certificate.Thumbprint, seenByClient?.GetCertHashString());
        Assert.Equal(certificate.Thumbprint, (await server.ClientCertificate.WaitAsync(ChildProcess.Timeout))?.GetCertHashString());
    }

    [Theory]
    [InlineData("localhost", SslPolicyErrors.RemoteCertificateChainErrors)]
    [InlineData("wrong.example", SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch)]
    public async Task Tls_checks_the_server_name(string targetHost, SslPolicyErrors expected)
    {
        await using var server = FakeServer.Tcp(peer => peer.EchoFramesAsync(), certificate: TestCertificates.Server);
        SslPolicyErrors seen = SslPolicyErrors.None;
        await using var client = new FrameClient(new FrameClientOptions
        {
            Host = "127.0.0.1",
            Port = server.Port,
            SslOptions = new SslClientAuthenticationOptions
            {
                TargetHost = targetHost,
                RemoteCertificateValidationCallback = (_, _, _, errors) => (seen = errors) == SslPolicyErrors.RemoteCertificateChainErrors,
            },
        });

        if (expected == SslPolicyErrors.RemoteCertificateChainErrors)
        {
            Assert.Equal("echo:ping", await ContentOf(client.SendAsync(Request)));
        }
        else
        {
            await Assert.ThrowsAsync<FrameClientException>(async () => await client.SendAsync(Request));
        }

        Assert.Equal(expected, seen);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("wrong.example")]
    public async Task Tls_default_validation_refuses_an_untrusted_or_misnamed_certificate(string targetHost)
    {
        await using var server = FakeServer.Tcp(peer => peer.EchoFramesAsync(), certificate: TestCertificates.Server);
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = server.Port, UseTls = true, TargetHost = targetHost });

        FrameClientException error = await Assert.ThrowsAsync<FrameClientException>(async () => await client.SendAsync(Request));

        Assert.Contains("TLS handshake", error.Message);
        Assert.IsType<System.Security.Authentication.AuthenticationException>(error.InnerException);
    }

    private static async Task<string> ContentOf(ValueTask<Frame> call) =>
        Encoding.UTF8.GetString((await call.AsTask().WaitAsync(ChildProcess.Timeout)).Content.ToArray());
}
