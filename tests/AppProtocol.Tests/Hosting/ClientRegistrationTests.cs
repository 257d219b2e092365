using System.Net;
using AppProtocol.Hosting;
using AppProtocol.Tests.Server;
using AppProtocol.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AppProtocol.Tests.Hosting;

/// <summary>AddFrameClient: settings bound from configuration and checked at start, named and typed clients, one client per name, disposed with the container.</summary>
public sealed class ClientRegistrationTests
{
    public static TheoryData<string[], string> Mistakes() => new()
    {
        { ["Port", "0"], "AppProtocol:Clients:search:Port '0' is not valid: Port must be 1 to 65535." },
        { ["RequestTimeout", "-00:00:01"], "AppProtocol:Clients:search:RequestTimeout '-00:00:01' is not valid: RequestTimeout must be positive" },
        { ["ConnectTimeout", "soon"], "AppProtocol:Clients:search:ConnectTimeout" },
        { ["Prot", "1"], "AppProtocol:Clients:search:Prot is not a setting; here the settings are Host, Port, UnixSocketPath, UseTls," },
        { ["ClientCertificate:Pass", "x"], "AppProtocol:Clients:search:ClientCertificate:Pass is not a setting; here the settings are Path, KeyPath, Password." },
        { ["UnixSocketPath", "/tmp/x.sock"], "AppProtocol:Clients:search:Host: set either Host (with Port) or UnixSocketPath: both are set." },
        { ["ClientCertificate:Path", "/nonexistent/client.pem"], "AppProtocol:Clients:search:ClientCertificate is set but UseTls is not" },
        { ["UseTls", "true", "CaCertificatePath", "/nonexistent/ca.pem"], "AppProtocol:Clients:search:CaCertificatePath cannot be loaded from '/nonexistent/ca.pem'" },
        { ["UseTls", "true", "ClientCertificate:Path", "/nonexistent/client.pem"], "AppProtocol:Clients:search:ClientCertificate cannot be loaded from '/nonexistent/client.pem'" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task A_client_configuration_mistake_fails_the_start_naming_the_key(string[] setting, string expected)
    {
        (string, string?)[] pairs = [.. setting.Chunk(2).Select(p => ($"Clients:search:{p[0]}", (string?)p[1]))];
        HostApplicationBuilder builder = TestHost.Builder([("Clients:search:Host", "127.0.0.1"), ("Clients:search:Port", "65432"), .. pairs]);
        builder.Services.AddFrameClient("search", builder.Configuration.GetSection("AppProtocol:Clients:search"));
        using IHost host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync().WaitAsync(TestHost.Patience));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_client_set_in_code_without_a_server_is_named_by_its_setting()
    {
        var services = new ServiceCollection();
        services.AddFrameClient("search", o => o.Port = 65432);
        using ServiceProvider provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IFrameClientFactory>().CreateClient("search"));

        Assert.Contains("FrameClientSettings 'search'.Host: set either Host (with Port) or UnixSocketPath: neither is set.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_named_client_from_configuration_reaches_the_server_and_is_one_client_per_name()
    {
        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler);
        HostApplicationBuilder builder = TestHost.Builder(("Clients:search:Host", "127.0.0.1"), ("Clients:search:Port", Port(server)), ("Clients:search:RequestsAreIdempotent", "true"));
        builder.Services.AddFrameClient("search", builder.Configuration.GetSection("AppProtocol:Clients:search"));
        using IHost host = builder.Build();
        await host.StartAsync().WaitAsync(TestHost.Patience);
        var factory = host.Services.GetRequiredService<IFrameClientFactory>();

        NamedFrameClient client = factory.CreateClient("search");
        SearchResponse? answer = await client.SendJsonAsync(new SearchRequest("search", "morpheus"), TestJsonContext.Default.SearchRequest, TestJsonContext.Default.SearchResponse);

        Assert.Equal("Follow the white rabbit. \U0001F430", answer?.Result);
        Assert.Same(client.Client, factory.CreateClient("search").Client);
        Assert.True(client.Client.Options.RequestsAreIdempotent);
        Assert.Equal("search", client.Name);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_typed_client_gets_the_client_named_after_its_type_with_code_settings_over_configuration()
    {
        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler);
        HostApplicationBuilder builder = TestHost.Builder(("Clients:typed:Host", "192.0.2.1"), ("Clients:typed:Port", "1"));
        builder.Services.AddFrameClient<SearchClient>(builder.Configuration.GetSection("AppProtocol:Clients:typed"))
            .Configure(o => (o.Host, o.Port) = ("127.0.0.1", int.Parse(Port(server), System.Globalization.CultureInfo.InvariantCulture)));
        using IHost host = builder.Build();

        var typed = host.Services.GetRequiredService<SearchClient>();

        Assert.Equal(nameof(SearchClient), typed.Client.Name);
        Assert.Equal("In the caves beneath the Misty Mountains. \U0001F48D", await typed.FindAsync("ring"));
        Assert.NotSame(typed, host.Services.GetRequiredService<SearchClient>());
        Assert.Same(typed.Client.Client, host.Services.GetRequiredService<SearchClient>().Client.Client);
    }

    [Fact]
    public void An_unknown_name_is_refused_with_the_registered_names()
    {
        var services = new ServiceCollection();
        services.AddFrameClient("search", o => (o.Host, o.Port) = ("localhost", 65432));
        services.AddFrameClient("admin", o => o.UnixSocketPath = "/tmp/admin.sock");
        using ServiceProvider provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IFrameClientFactory>().CreateClient("serach"));

        Assert.Equal("No AppProtocol client is named 'serach': the names registered with AddFrameClient are 'admin', 'search'.", error.Message);
        Assert.Equal("/tmp/admin.sock", provider.GetRequiredService<IFrameClientFactory>().CreateClient("admin").Client.Options.UnixSocketPath);
    }

    [Fact]
    public async Task The_container_disposes_the_clients()
    {
        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler);
        var services = new ServiceCollection();
        services.AddFrameClient("search", o => (o.Host, o.Port) = ("127.0.0.1", int.Parse(Port(server), System.Globalization.CultureInfo.InvariantCulture)));
        NamedFrameClient client;
        await using (ServiceProvider provider = services.BuildServiceProvider())
        {
            client = provider.GetRequiredService<IFrameClientFactory>().CreateClient("search");
            await client.SendJsonAsync(new SearchRequest("search", "ring"), TestJsonContext.Default.SearchRequest);
        }

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await client.SendJsonAsync(new SearchRequest("search", "ring"), TestJsonContext.Default.SearchRequest));
    }

    private static string Port(TestServer server) => ((IPEndPoint)server.EndPoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A typed client, as an application writes one.</summary>
    public sealed class SearchClient(NamedFrameClient client)
    {
        public NamedFrameClient Client => client;

        public async Task<string?> FindAsync(string value) =>
            (await client.SendJsonAsync(new SearchRequest("search", value), TestJsonContext.Default.SearchRequest, TestJsonContext.Default.SearchResponse))?.Result;
    }
}
