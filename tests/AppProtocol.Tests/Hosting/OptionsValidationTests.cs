using AppProtocol.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AppProtocol.Tests.Hosting;

/// <summary>Configuration mistakes fail the host's start, before anything binds, with a message that names the key.</summary>
public class OptionsValidationTests
{
    public static TheoryData<string[], string> Mistakes() => new()
    {
        { ["FrameTimeout", "-00:00:01"], "AppProtocol:FrameTimeout '-00:00:01' is not valid: FrameTimeout must be positive" },
        { ["MaxConcurrentConnections", "0"], "AppProtocol:MaxConcurrentConnections '0' is not valid" },
        { ["Limits:MaxHeaderLength", "70000"], "AppProtocol:Limits:MaxHeaderLength '70000' is not valid" },
        { ["MinResponseDataRate:BytesPerSecond", "-1"], "AppProtocol:MinResponseDataRate is not valid: The rate must be positive." },
        { ["MinRequestDataRate:BytesPerSecond", "0"], "AppProtocol:MinRequestDataRate is not valid: The rate must be positive." },
        { ["MaxStreamedContentLength", "-1"], "AppProtocol:MaxStreamedContentLength '-1' is not valid: MaxStreamedContentLength must be from 0" },
        { ["RequestStreamingThreshold", "-5"], "AppProtocol:RequestStreamingThreshold '-5' is not valid: RequestStreamingThreshold must not be negative." },
        { ["IdleTimeout", "soon"], "AppProtocol:IdleTimeout" },
        { ["IdelTimeout", "00:00:01"], "AppProtocol:IdelTimeout is not a setting; here the settings are IdleTimeout, FrameTimeout," },
        { ["Listen:0:Prot", "1"], "AppProtocol:Listen:0:Prot is not a setting; here the settings are Host, Port, UnixSocketPath, Certificate." },
        { ["Listen:0:Certificate:Pass", "x"], "AppProtocol:Listen:0:Certificate:Pass is not a setting; here the settings are Path, KeyPath, Password." },
        { ["Listen:1:Host", "127.0.0.1", "Listen:1:Port", "70000"], "AppProtocol:Listen:1:Port '70000' is not valid: Port must be 0 to 65535." },
        { ["Listen:1:Host", "127.0.0.1"], "AppProtocol:Listen:1:Port is required with Host" },
        { ["Listen:1:Port", "5"], "AppProtocol:Listen:1 set either Host (with Port) or UnixSocketPath: neither is set." },
        { ["Listen:1:Host", "127.0.0.1", "Listen:1:Port", "0", "Listen:1:UnixSocketPath", "/tmp/x.sock"], "AppProtocol:Listen:1 set either Host (with Port) or UnixSocketPath: both are set." },
        { ["Listen:0:Certificate:Path", "/nonexistent/server.pem"], "AppProtocol:Listen:0:Certificate: Cannot load the certificate '/nonexistent/server.pem'" },
        { ["Listen:0:Certificate:KeyPath", "/nonexistent/server.key"], "AppProtocol:Listen:0:Certificate: The certificate of listen address ('127.0.0.1', 0) has no Path." },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task A_configuration_mistake_fails_the_start_naming_the_key(string[] setting, string expected)
    {
        (string, string?)[] pairs = [.. setting.Chunk(2).Select(p => (p[0], (string?)p[1]))];
        HostApplicationBuilder builder = TestHost.Builder([.. TestHost.Loopback, .. pairs]);
        TestHost.AddServer(builder).Run(TestHost.Search);
        using IHost host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync().WaitAsync(TestHost.Patience));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_mistake_is_reported_at_once()
    {
        HostApplicationBuilder builder = TestHost.Builder([.. TestHost.Loopback, ("FrameTimeout", "-00:00:01"), ("Listen:0:Port", "70000"), ("Idle", "1")]);
        TestHost.AddServer(builder).Run(TestHost.Search);
        using IHost host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync().WaitAsync(TestHost.Patience));

        Assert.Equal(3, error.Failures.Count());
    }

    [Fact]
    public async Task Named_listen_entries_are_named_by_their_key()
    {
        HostApplicationBuilder builder = TestHost.Builder(("Listen:public:Host", "127.0.0.1"), ("Listen:public:Port", "70000"));
        TestHost.AddServer(builder).Run(TestHost.Search);
        using IHost host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync().WaitAsync(TestHost.Patience));

        Assert.StartsWith("AppProtocol:Listen:public:Port '70000' is not valid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_handler_and_no_listen_address_are_reported()
    {
        HostApplicationBuilder builder = TestHost.Builder();
        TestHost.AddServer(builder);
        using IHost host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync().WaitAsync(TestHost.Patience));

        Assert.Contains("No handler: call MapHandler<THandler>() or Run(...)", error.Message, StringComparison.Ordinal);
        Assert.Contains("No listen address: configure Listen:0:Host and Listen:0:Port", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tls_settings_in_code_without_a_certificate_are_named_by_their_place()
    {
        HostApplicationBuilder builder = TestHost.Builder(TestHost.Loopback);
        TestHost.AddServer(builder)
            .Configure(o => o.Listen.Add(AppProtocol.Transport.ListenAddress.Tcp("127.0.0.1", 0).WithTls(new System.Net.Security.SslServerAuthenticationOptions())))
            .Run(TestHost.Search);
        using IHost host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync().WaitAsync(TestHost.Patience));

        Assert.Contains("FrameServerOptions.Listen[1]:Tls: The TLS settings of listen address ('127.0.0.1', 0) have no server certificate", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pem")]
    [InlineData("pfx")]
    public async Task A_certificate_from_configuration_serves_tls(string format)
    {
        using var files = new TestCertificateFiles();
        (string, string?)[] certificate = format == "pem"
            ? [("Listen:0:Certificate:Path", files.ServerPem), ("Listen:0:Certificate:KeyPath", files.ServerKey)]
            : [("Listen:0:Certificate:Path", files.ServerPfx)];
        HostApplicationBuilder builder = TestHost.Builder([.. TestHost.Loopback, .. certificate]);
        TestHost.AddServer(builder).Run(TestHost.Search);
        using IHost host = builder.Build();
        var server = await TestHost.StartAsync(host);

        await using var client = await AppProtocol.Tests.Server.RawClient.ConnectTlsAsync(server.EndPoints[0], new System.Net.Security.SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            RemoteCertificateValidationCallback = (_, seen, _, _) => seen?.GetCertHashString() == files.Server.GetCertHashString(),
        });
        Assert.Equal("No match for 'a'.", AppProtocol.Tests.Server.Requests.Result(await client.ExchangeAsync(AppProtocol.Tests.Server.Requests.Search("a"))));
        await host.StopAsync().WaitAsync(TestHost.Patience);
    }

    [Fact]
    public void An_empty_host_binds_as_every_interface_not_as_no_host()
    {
        HostApplicationBuilder builder = TestHost.Builder(("Listen:0:Host", ""), ("Listen:0:Port", "0"));
        TestHost.AddServer(builder).Run(TestHost.Search);
        using IHost host = builder.Build();

        var options = host.Services.GetRequiredService<IOptions<AppProtocol.Server.FrameServerOptions>>().Value;

        Assert.Equal("", Assert.Single(options.Listen).Host);
    }

    [Fact]
    public void The_streaming_settings_bind_from_configuration()
    {
        HostApplicationBuilder builder = TestHost.Builder([.. TestHost.Loopback, ("RequestStreamingThreshold", "65536"),
            ("MaxStreamedContentLength", "1099511627776"), ("MinRequestDataRate:BytesPerSecond", "1000")]);
        TestHost.AddServer(builder).Run(TestHost.Search);
        using IHost host = builder.Build();

        var options = host.Services.GetRequiredService<IOptions<AppProtocol.Server.FrameServerOptions>>().Value;

        Assert.Equal(65536, options.RequestStreamingThreshold);
        Assert.Equal(1L << 40, options.MaxStreamedContentLength);
        Assert.Equal(new AppProtocol.Server.DataRate(1000, TimeSpan.FromSeconds(5)), options.MinRequestDataRate);
    }

    [Fact]
    public async Task Settings_in_code_override_configuration()
    {
        HostApplicationBuilder builder = TestHost.Builder([.. TestHost.Loopback, ("CloseAfterResponse", "false"), ("Backlog", "7")]);
        TestHost.AddServer(builder).Configure(o => o.CloseAfterResponse = true).Run(TestHost.Search);
        using IHost host = builder.Build();

        var options = host.Services.GetRequiredService<IOptions<AppProtocol.Server.FrameServerOptions>>().Value;

        Assert.True(options.CloseAfterResponse);
        Assert.Equal(7, options.Backlog);
    }
}
