using System.Net;
using AppProtocol.Client;
using AppProtocol.Framing;
using AppProtocol.Hosting;
using AppProtocol.Tests.Client;
using AppProtocol.Tests.Server;
using AppProtocol.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Polly;

namespace AppProtocol.Tests.Hosting;

/// <summary>The standard retry sends a call again only when that is safe: not processed, or idempotent and lost with its connection.</summary>
public sealed class ClientResilienceTests
{
    private static readonly SearchRequest Ring = new("search", "ring");

    [Fact]
    public async Task An_unavailable_reply_is_retried()
    {
        int calls = 0;
        await using TestServer server = await TestServer.StartAsync((exchange, ct) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                exchange.RespondError(FrameErrors.Unavailable, "draining");
                return ValueTask.CompletedTask;
            }

            return SearchHandler.Handler(exchange, ct);
        });
        await using ServiceProvider services = Services(((IPEndPoint)server.EndPoint).Port);

        SearchResponse? answer = await Client(services).SendJsonAsync(Ring, TestJsonContext.Default.SearchRequest, TestJsonContext.Default.SearchResponse);

        Assert.Equal("In the caves beneath the Misty Mountains. \U0001F48D", answer?.Result);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Another_error_reply_is_not_retried()
    {
        int calls = 0;
        await using TestServer server = await TestServer.StartAsync((exchange, _) =>
        {
            Interlocked.Increment(ref calls);
            exchange.RespondError(FrameErrors.BadRequest, "no");
            return ValueTask.CompletedTask;
        });
        await using ServiceProvider services = Services(((IPEndPoint)server.EndPoint).Port);

        var error = await Assert.ThrowsAsync<FrameErrorReplyException>(async () => await Client(services).SendJsonAsync(Ring, TestJsonContext.Default.SearchRequest));

        Assert.Equal(FrameErrors.BadRequest, error.Code);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task A_request_lost_after_the_server_read_it_is_not_retried_unless_idempotent()
    {
        await using var server = DropsFirst(connections: 1, out Func<int> reads);
        await using ServiceProvider services = Services(server.Port);

        var error = await Assert.ThrowsAsync<FrameClientException>(async () => await Client(services).SendJsonAsync(Ring, TestJsonContext.Default.SearchRequest).AsTask().WaitAsync(ChildProcess.Timeout));

        Assert.False(error.RequestNotProcessed);
        Assert.Equal(1, reads());
    }

    [Fact]
    public async Task An_idempotent_request_lost_with_its_connection_is_retried_past_the_clients_own_attempts()
    {
        // The client itself sends an idempotent request on three connections; the retry makes a fourth.
        await using var server = DropsFirst(connections: 3, out Func<int> reads);
        await using ServiceProvider services = Services(server.Port, idempotent: true);

        Frame answer = await Client(services).SendJsonAsync(Ring, TestJsonContext.Default.SearchRequest).AsTask().WaitAsync(ChildProcess.Timeout);

        Assert.Equal(AppProtocol.Samples.SampleContentTypes.ServerBinary, answer.Header.ContentType);
        Assert.Equal(3, reads());
        Assert.Equal(4, server.Accepted);
    }

    [Fact]
    public async Task Strategies_added_with_AddResilience_wrap_each_call()
    {
        await using TestServer server = await TestServer.StartAsync(SearchHandler.Handler);
        int attempts = 0;
        var collection = new ServiceCollection();
        collection.AddFrameClient("search", o => (o.Host, o.Port) = ("127.0.0.1", ((IPEndPoint)server.EndPoint).Port))
            .AddResilience(pipeline => pipeline.AddTimeout(TimeSpan.FromSeconds(5)))
            .AddResilience(pipeline => pipeline.AddStrategy(_ => new CountingStrategy(() => Interlocked.Increment(ref attempts)), new CountingOptions()));
        await using ServiceProvider services = collection.BuildServiceProvider();

        await Client(services).SendJsonAsync(Ring, TestJsonContext.Default.SearchRequest);

        Assert.Equal(1, attempts);
        Assert.NotSame(ResiliencePipeline.Empty, Client(services).Pipeline);
    }

    [Theory]
    [InlineData(true, false, true)]
    [InlineData(false, false, false)]
    [InlineData(false, true, true)]
    public void A_lost_connection_is_safe_to_retry_when_not_processed_or_idempotent(bool notProcessed, bool idempotent, bool expected)
    {
        var lost = new FrameClientException("lost") { RequestNotProcessed = notProcessed };

        Assert.Equal(expected, FrameClientRetry.IsSafeToRetry(lost, idempotent));
    }

    [Fact]
    public void Protocol_errors_cancellations_and_timeouts_after_sending_are_never_retried()
    {
        Assert.False(FrameClientRetry.IsSafeToRetry(new ProtocolException(ProtocolError.TruncatedFrame, "cut"), requestsAreIdempotent: true));
        Assert.False(FrameClientRetry.IsSafeToRetry(new OperationCanceledException(), requestsAreIdempotent: true));
        Assert.False(FrameClientRetry.IsSafeToRetry(new FrameClientTimeoutException("slow", TimeSpan.FromSeconds(1)), requestsAreIdempotent: true));
        Assert.True(FrameClientRetry.IsSafeToRetry(new FrameClientTimeoutException("slow", TimeSpan.FromSeconds(1)) { RequestNotProcessed = true }, requestsAreIdempotent: false));
    }

    private static ServiceProvider Services(int port, bool idempotent = false)
    {
        var services = new ServiceCollection();
        services.AddFrameClient("search", o => (o.Host, o.Port, o.RequestsAreIdempotent) = ("127.0.0.1", port, idempotent))
            .AddStandardRetry(retry => retry.Delay = TimeSpan.FromMilliseconds(1));
        return services.BuildServiceProvider();
    }

    private static NamedFrameClient Client(ServiceProvider services) => services.GetRequiredService<IFrameClientFactory>().CreateClient("search");

    // Reads the request on each of the first connections and closes without answering; echoes on the later ones.
    private static FakeServer DropsFirst(int connections, out Func<int> reads)
    {
        int read = 0;
        int accepted = 0;
        reads = () => Volatile.Read(ref read);
        return FakeServer.Tcp(async peer =>
        {
            if (Interlocked.Increment(ref accepted) > connections)
            {
                await peer.EchoFramesAsync();
                return;
            }

            Assert.NotNull(await peer.ReadFrameAsync());
            Interlocked.Increment(ref read);
        });
    }

    private sealed class CountingOptions : ResilienceStrategyOptions;

    private sealed class CountingStrategy(Action counted) : ResilienceStrategy
    {
        protected override ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback, ResilienceContext context, TState state)
        {
            counted();
            return callback(context, state);
        }
    }
}
