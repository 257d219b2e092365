using System.Collections.Concurrent;
using AppProtocol.Framing;
using AppProtocol.Hosting;
using AppProtocol.Server;
using AppProtocol.Tests.Server;
using AppProtocol.Tests.Support;
using AppProtocol.Transport.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AppProtocol.Tests.Hosting;

/// <summary>MapHandler activates the handler from a new service scope for each exchange, and disposes the scope when the exchange ends.</summary>
public class ScopePerExchangeTests
{
    [Fact]
    public async Task Each_exchange_gets_its_own_scope_disposed_after_it()
    {
        var transport = new InMemoryTransport();
        var journal = new ScopeJournal();
        HostApplicationBuilder builder = TestHost.Builder();
        builder.Services.AddSingleton(journal);
        builder.Services.AddScoped<ScopedCounter>();
        TestHost.AddServer(builder).ListenOn(transport, transport.EndPoint).MapHandler<CountingHandler>();
        using IHost host = builder.Build();
        await TestHost.StartAsync(host);
        await using InMemoryServer.Client client = new(await transport.ConnectAsync());

        Assert.Equal("1 created, 0 disposed", Requests.Result(await client.ExchangeAsync(Requests.Search("a"))));
        Assert.Equal("2 created, 1 disposed", Requests.Result(await client.ExchangeAsync(Requests.Search("b"))));
        await journal.Disposed(2).WaitAsync(TestHost.Patience);

        Assert.Equal(2, journal.Handlers.Distinct().Count());
        await host.StopAsync().WaitAsync(TestHost.Patience);
    }

    [Fact]
    public async Task A_handler_that_throws_gets_a_server_error_reply_and_its_scope_is_disposed()
    {
        var transport = new InMemoryTransport();
        var journal = new ScopeJournal();
        HostApplicationBuilder builder = TestHost.Builder();
        builder.Services.AddSingleton(journal);
        builder.Services.AddScoped<ScopedCounter>();
        TestHost.AddServer(builder).ListenOn(transport, transport.EndPoint).MapHandler<ThrowingHandler>();
        using IHost host = builder.Build();
        await TestHost.StartAsync(host);
        await using InMemoryServer.Client client = new(await transport.ConnectAsync());

        Frame reply = await client.ExchangeAsync(Requests.Search("a"));

        Assert.Equal(FrameErrors.ServerError, Requests.Error(reply));
        await journal.Disposed(1).WaitAsync(TestHost.Patience);
        await host.StopAsync().WaitAsync(TestHost.Patience);
    }

    /// <summary>Counts the scoped services made and disposed; a singleton.</summary>
    public sealed class ScopeJournal
    {
        private readonly TaskCompletionSource[] _disposed = [.. Enumerable.Range(0, 8).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously))];
        private int _created;
        private int _disposedCount;

        public ConcurrentQueue<object> Handlers { get; } = [];

        public int Created => Volatile.Read(ref _created);

        public int DisposedCount => Volatile.Read(ref _disposedCount);

        public void OnCreated() => Interlocked.Increment(ref _created);

        public void OnDisposed() => _disposed[Interlocked.Increment(ref _disposedCount) - 1].SetResult();

        /// <summary>Completes once <paramref name="count"/> scoped services were disposed.</summary>
        public Task Disposed(int count) => _disposed[count - 1].Task;
    }

    /// <summary>A scoped service that notes its creation and its disposal.</summary>
    public sealed class ScopedCounter : IAsyncDisposable
    {
        private readonly ScopeJournal _journal;

        public ScopedCounter(ScopeJournal journal)
        {
            _journal = journal;
            journal.OnCreated();
        }

        public ValueTask DisposeAsync()
        {
            _journal.OnDisposed();
            return ValueTask.CompletedTask;
        }
    }

    public sealed class CountingHandler(ScopedCounter counter, ScopeJournal journal) : IFrameHandler
    {
        public ValueTask HandleAsync(FrameExchange exchange, CancellationToken cancellationToken)
        {
            GC.KeepAlive(counter);
            journal.Handlers.Enqueue(this);
            exchange.RespondJson(new SearchResponse($"{journal.Created} created, {journal.DisposedCount} disposed"), TestJsonContext.Default.SearchResponse);
            return ValueTask.CompletedTask;
        }
    }

    public sealed class ThrowingHandler(ScopedCounter counter) : IFrameHandler
    {
        public async ValueTask HandleAsync(FrameExchange exchange, CancellationToken cancellationToken)
        {
            GC.KeepAlive(counter);
            await Task.Yield();
            throw new InvalidOperationException("The handler failed.");
        }
    }
}
