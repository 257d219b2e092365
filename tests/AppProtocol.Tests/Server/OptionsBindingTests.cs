using AppProtocol.Server;
using Microsoft.Extensions.Configuration;

namespace AppProtocol.Tests.Server;

/// <summary>FrameServerOptions bind from configuration, or fail with an error that names what is wrong.</summary>
public class OptionsBindingTests
{
    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Listen_addresses_limits_and_timeouts_bind()
    {
        FrameServerOptions options = Configuration(
            ("Listen:0:Host", "127.0.0.1"),
            ("Listen:0:Port", "6543"),
            ("Listen:1:UnixSocketPath", "/tmp/app.sock"),
            ("IdleTimeout", "00:00:30"),
            ("MaxConcurrentConnections", "77"),
            ("Limits:MaxContentLength", "1024")).Get<FrameServerOptions>()!;

        Assert.Equal(2, options.Listen.Count);
        Assert.Equal(("127.0.0.1", 6543), (options.Listen[0].Host, options.Listen[0].Port));
        Assert.Equal("/tmp/app.sock", options.Listen[1].UnixSocketPath);
        Assert.Equal(TimeSpan.FromSeconds(30), options.IdleTimeout);
        Assert.Equal(77, options.MaxConcurrentConnections);
        Assert.Equal(1024, options.Limits.MaxContentLength);
        Assert.Equal(AppProtocol.Framing.FrameLimits.DefaultMaxContentLength, AppProtocol.Framing.FrameLimits.Default.MaxContentLength);
    }

    [Fact]
    public void An_invalid_value_fails_naming_the_setting()
    {
        Exception error = Assert.ThrowsAny<Exception>(() => Configuration(("FrameTimeout", "-00:00:01")).Get<FrameServerOptions>());

        Assert.Contains("FrameTimeout", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_path_turns_tls_on_and_a_missing_file_is_a_clear_error()
    {
        FrameServerOptions options = Configuration(
            ("Listen:0:Host", "127.0.0.1"),
            ("Listen:0:Port", "0"),
            ("Listen:0:Certificate:Path", "/nonexistent/server.pem")).Get<FrameServerOptions>()!;

        var error = Assert.Throws<InvalidOperationException>(() => new FrameServer(options, (_, _) => ValueTask.CompletedTask));

        Assert.Contains("/nonexistent/server.pem", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tls_settings_without_a_certificate_are_refused_not_served_as_plaintext()
    {
        var options = new FrameServerOptions();
        options.Listen.Add(AppProtocol.Transport.ListenAddress.Tcp("127.0.0.1", 0).WithTls(new System.Net.Security.SslServerAuthenticationOptions()));

        var error = Assert.Throws<InvalidOperationException>(() => new FrameServer(options, (_, _) => ValueTask.CompletedTask));

        Assert.Contains("no server certificate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_listen_address_with_neither_host_nor_path_is_a_clear_error()
    {
        FrameServerOptions options = Configuration(("Listen:0:Port", "5")).Get<FrameServerOptions>()!;

        var error = Assert.Throws<InvalidOperationException>(() => options.Listen[0].ResolveAsync().AsTask().GetAwaiter().GetResult());

        Assert.Contains("either Host", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Options_are_snapshotted_when_the_server_is_built()
    {
        var options = new FrameServerOptions { CloseAfterResponse = false };
        options.Listen.Add(AppProtocol.Transport.ListenAddress.Tcp("127.0.0.1", 0));
        await using var server = new FrameServer(options, AppProtocol.Tests.Support.SearchHandler.Handler);
        options.CloseAfterResponse = true;
        await server.StartAsync();
        await using RawClient client = await RawClient.ConnectAsync(server.EndPoints[0]);

        Assert.Equal("No match for 'a'.", Requests.Result(await client.ExchangeAsync(Requests.Search("a"))));
        Assert.Equal("No match for 'b'.", Requests.Result(await client.ExchangeAsync(Requests.Search("b"))));
    }
}

public class CertificateFileTests
{
    [Theory]
    [InlineData("pem")]
    [InlineData("pfx")]
    public async Task A_server_bound_from_configuration_serves_tls_with_a_certificate_from_files(string format)
    {
        string folder = Directory.CreateTempSubdirectory("appprotocol-cert-").FullName;
        try
        {
            var values = new List<KeyValuePair<string, string?>> { new("Listen:0:Host", "127.0.0.1"), new("Listen:0:Port", "0") };
            var certificate = AppProtocol.Tests.Support.TestCertificates.Server;
            if (format == "pem")
            {
                File.WriteAllText(Path.Combine(folder, "server.crt"), certificate.ExportCertificatePem());
                File.WriteAllText(Path.Combine(folder, "server.key"), System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions.GetECDsaPrivateKey(certificate)!.ExportPkcs8PrivateKeyPem());
                values.Add(new("Listen:0:Certificate:Path", Path.Combine(folder, "server.crt")));
                values.Add(new("Listen:0:Certificate:KeyPath", Path.Combine(folder, "server.key")));
            }
            else
            {
                File.WriteAllBytes(Path.Combine(folder, "server.pfx"), certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, "secret"));
                values.Add(new("Listen:0:Certificate:Path", Path.Combine(folder, "server.pfx")));
                values.Add(new("Listen:0:Certificate:Password", "secret"));
            }

            FrameServerOptions options = new ConfigurationBuilder().AddInMemoryCollection(values).Build().Get<FrameServerOptions>()!;
            await using var server = new FrameServer(options, AppProtocol.Tests.Support.SearchHandler.Handler);
            await server.StartAsync();
            await using RawClient client = await RawClient.ConnectTlsAsync(server.EndPoints[0], new System.Net.Security.SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                RemoteCertificateValidationCallback = (_, seen, _, _) => seen?.GetCertHashString() == certificate.GetCertHashString(),
            });

            Assert.Equal("No match for 'a'.", Requests.Result(await client.ExchangeAsync(Requests.Search("a"))));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
