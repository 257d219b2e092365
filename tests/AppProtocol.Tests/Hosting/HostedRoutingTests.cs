using AppProtocol.Framing;
using AppProtocol.Hosting;
using AppProtocol.Server.Routing;
using AppProtocol.Tests.Server;
using AppProtocol.Tests.Server.Routing;
using AppProtocol.Tests.Support;
using AppProtocol.Transport.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AppProtocol.Tests.Hosting;

/// <summary>Typed JSON actions in a host: a router as the handler, an action served by a scoped service.</summary>
public class HostedRoutingTests
{
    [Fact]
    public async Task Actions_are_routed_and_a_scoped_action_gets_a_scope_per_request()
    {
        var transport = new InMemoryTransport();
        var journal = new ScopePerExchangeTests.ScopeJournal();
        HostApplicationBuilder builder = TestHost.Builder();
        builder.Services.AddSingleton(journal);
        builder.Services.AddScoped<ScopePerExchangeTests.ScopedCounter>();
        builder.Services.AddScoped<Searcher>();
        TestHost.AddServer(builder).ListenOn(transport, transport.EndPoint).Run(services => new JsonActionRouter()
            .MapAction("length", RoutingJsonContext.Default.String, RoutingJsonContext.Default.Counted, value => new Counted(value!.Length))
            .MapScopedAction<Searcher, string, SearchResponse>(services, "search", RoutingJsonContext.Default.String, RoutingJsonContext.Default.SearchResponse, (searcher, value, _, ct) => searcher.SearchAsync(value, ct))
            .Handler);
        using IHost host = builder.Build();
        await TestHost.StartAsync(host);
        await using InMemoryServer.Client client = new(await transport.ConnectAsync());

        Assert.Equal("Follow the white rabbit. \U0001F430", Requests.Result(await client.ExchangeAsync(Requests.Search("morpheus"))));
        await journal.Disposed(1).WaitAsync(TestHost.Patience);
        Assert.Equal(3, AppProtocol.Json.JsonFrameReader.Read(await client.ExchangeAsync(JsonRequests.Json("""{"action": "length", "value": "abc"}""")), RoutingJsonContext.Default.Counted)!.Count);
        Assert.Equal("No match for 'x'.", Requests.Result(await client.ExchangeAsync(Requests.Search("x"))));
        await journal.Disposed(2).WaitAsync(TestHost.Patience);
        Assert.Equal(FrameErrors.BadRequest, Requests.Error(await client.ExchangeAsync(JsonRequests.Json("""{"action": "drop"}"""))));
        Assert.Equal(2, journal.Created);
        await host.StopAsync().WaitAsync(TestHost.Patience);
    }

    public sealed class Searcher(ScopePerExchangeTests.ScopedCounter counter)
    {
        public async ValueTask<SearchResponse> SearchAsync(string? value, CancellationToken cancellationToken)
        {
            GC.KeepAlive(counter);
            await Task.Yield();
            return new SearchResponse(SearchHandler.Answer(new SearchRequest("search", value!)));
        }
    }
}
