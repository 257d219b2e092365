using AppProtocol.Framing;
using AppProtocol.Tests.Server;
using AppProtocol.Tests.Support;

namespace AppProtocol.Tests.Hostile;

/// <summary>Every <see cref="HostileClients"/> case against a running server on loopback, next to a well-behaved client.</summary>
public class SocketHostileInputTests
{
    public static TheoryData<string> CaseNames => [.. HostileClients.All.Keys];

    [Fact]
    public void Table_has_at_least_fifty_cases() => Assert.True(HostileClients.All.Count >= 50, $"{HostileClients.All.Count} cases");

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Hostile_client_gets_its_outcome_and_harms_no_one(string name)
    {
        HostileClient hostile = HostileClients.All[name];
        var tracker = new ConnectionTracker();
        var pool = new CountingMemoryPool();
        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler, o =>
        {
            tracker.Attach(o);
            o.MemoryPool = pool;
            o.FrameTimeout = hostile.FrameTimeout ?? o.FrameTimeout;
        });
        await using RawClient bystander = await server.ConnectAsync();
        await AssertServedAsync(bystander);

        await using (RawClient client = await server.ConnectAsync())
        {
            await hostile.Act(client);
            switch (hostile.Expected)
            {
                case HostileOutcome.Served:
                    Frame? answer = await client.ReadFrameAsync();
                    Assert.True(answer.HasValue, "Expected an answer, the server closed.");
                    Assert.Equal(ContentTypes.Json, answer.Value.Header.ContentType);
                    break;
                case HostileOutcome.Rejected:
                    Frame? rejection = await client.ReadFrameAsync();
                    Assert.True(rejection.HasValue, "Expected an error reply, the server closed.");
                    Assert.Equal(FrameErrors.BadRequest, Requests.Error(rejection.Value));
                    break;
                case HostileOutcome.Closed:
                    await client.AssertClosedByServerAsync();
                    break;
            }
        }

        await tracker.WaitClosedAsync(1);
        await AssertServedAsync(bystander);
        await bystander.DisposeAsync();
        await tracker.WaitClosedAsync(2);
        await tracker.WaitNoneActiveAsync(server.Server);

        // Every read and write buffer the server rented for the two connections is back in the pool.
        Assert.True(pool.Rented > 0, "the server rented no buffer from the pool it was given");
        Assert.Equal(0, pool.Outstanding);
    }

    private static async Task AssertServedAsync(RawClient client) =>
        Assert.Equal("No match for 'ok'.", Requests.Result(await client.ExchangeAsync(Requests.Search("ok"))));
}
