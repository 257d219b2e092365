using System.Buffers;
using System.Text;
using AppProtocol.Client;
using AppProtocol.Framing;
using AppProtocol.Samples;

namespace AppProtocol.Tests.Client;

/// <summary>
/// The connection pool: a call goes on the least loaded connection, and a new one opens when all are busy and
/// <see cref="FrameClientOptions.MaxConnectionsPerServer"/> allows, so slow answers do not queue behind each other.
/// Slow handlers are held at a gate that opens only once enough of them run at once: a client that queued the calls
/// on fewer connections would never open it, and the test would time out rather than pass.
/// </summary>
public sealed class FrameClientPoolTests
{
    [Fact]
    public async Task Ten_slow_calls_run_at_once_on_ten_connections()
    {
        var handlers = new GatedHandlers(expected: 10);
        await using var server = FakeServer.Tcp(handlers.ServeAsync);
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = server.Port, MaxConnectionsPerServer = 10 });
        await KeepAlive.WarmUpAsync(client);

        string[] answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => SendAsync(client, $"slow {i}"))).WaitAsync(ChildProcess.Timeout);

        Assert.Equal(10, handlers.MostAtOnce);
        Assert.Equal([.. Enumerable.Range(0, 10).Select(i => $"echo:slow {i}")], answers);
        Assert.Equal(10, server.Accepted);
    }

    [Fact]
    public async Task At_the_limit_calls_are_pipelined_on_the_open_connections()
    {
        var handlers = new GatedHandlers(expected: 3);
        await using var server = FakeServer.Tcp(handlers.ServeAsync);
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = server.Port, MaxConnectionsPerServer = 3 });
        await KeepAlive.WarmUpAsync(client);

        string[] answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => SendAsync(client, $"slow {i}"))).WaitAsync(ChildProcess.Timeout);

        Assert.Equal(3, handlers.MostAtOnce);
        Assert.Equal([.. Enumerable.Range(0, 12).Select(i => $"echo:slow {i}")], answers);
        Assert.Equal(3, server.Accepted);
    }

    [Fact]
    public async Task Sequential_calls_reuse_one_idle_connection()
    {
        await using var server = FakeServer.Tcp(peer => peer.EchoFramesAsync());
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = server.Port, MaxConnectionsPerServer = 10 });

        for (int i = 0; i < 20; i++)
        {
            Assert.Equal($"echo:{i}", await SendAsync(client, $"{i}"));
        }

        Assert.Equal(1, server.Accepted);
    }

    [Fact]
    public async Task A_cancelled_call_retires_only_its_own_connection()
    {
        var handlers = new GatedHandlers(expected: int.MaxValue);
        await using var server = FakeServer.Tcp(handlers.ServeAsync);
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = server.Port, MaxConnectionsPerServer = 2 });
        await KeepAlive.WarmUpAsync(client);
        using var cancel = new CancellationTokenSource();

        // One slow call on each connection, both held at the gate until the test opens it.
        Task<Frame> dropped = client.SendAsync(Frame.Binary(SampleContentTypes.ClientBinary, "slow dropped"u8.ToArray()), cancel.Token).AsTask();
        Task<string> kept = SendAsync(client, "slow kept");
        await handlers.Running(2).WaitAsync(ChildProcess.Timeout);
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dropped.WaitAsync(ChildProcess.Timeout));
        handlers.Open();
        Assert.Equal("echo:slow kept", await kept.WaitAsync(ChildProcess.Timeout));

        // The kept call's connection still serves: the next call opens nothing new.
        Assert.Equal("echo:after", await SendAsync(client, "after").WaitAsync(ChildProcess.Timeout));
        Assert.Equal(2, server.Accepted);
    }

    [Fact]
    public void The_limit_must_be_at_least_one()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new FrameClientOptions { MaxConnectionsPerServer = 0 });
        Assert.Equal(nameof(FrameClientOptions.MaxConnectionsPerServer), error.ParamName);
        Assert.Equal(8, new FrameClientOptions().MaxConnectionsPerServer);
    }

    private static async Task<string> SendAsync(FrameClient client, string text)
    {
        Frame response = await client.SendAsync(Frame.Binary(SampleContentTypes.ClientBinary, Encoding.UTF8.GetBytes(text)));
        return Encoding.UTF8.GetString(response.Content.ToArray());
    }

    /// <summary>Echoes; a request starting "slow" waits until <c>expected</c> slow requests run at once (from then on, none waits).</summary>
    private sealed class GatedHandlers(int expected)
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<(int Count, TaskCompletionSource Reached)> _watchers = [];
        private int _running;
        private int _mostAtOnce;

        public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

        public void Open() => _gate.TrySetResult();

        /// <summary>Completes once <paramref name="count"/> slow requests run at once.</summary>
        public Task Running(int count)
        {
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_watchers)
            {
                _watchers.Add((count, reached));
                if (_running >= count)
                {
                    reached.TrySetResult();
                }
            }

            return reached.Task;
        }

        public async Task ServeAsync(FakePeer peer)
        {
            while (await peer.ReadFrameAsync() is { } request)
            {
                if (Encoding.UTF8.GetString(request.Content.ToArray()).StartsWith("slow", StringComparison.Ordinal))
                {
                    await SlowAsync();
                }

                await peer.WriteAsync(FakePeer.Echo(request));
            }
        }

        private async Task SlowAsync()
        {
            lock (_watchers)
            {
                _running++;
                _mostAtOnce = Math.Max(_mostAtOnce, _running);
                foreach ((int count, TaskCompletionSource reached) in _watchers)
                {
                    if (_running >= count)
                    {
                        reached.TrySetResult();
                    }
                }

                if (_running >= expected)
                {
                    _gate.TrySetResult();
                }
            }

            await _gate.Task.WaitAsync(ChildProcess.Timeout);
            lock (_watchers)
            {
                _running--;
            }
        }
    }
}
