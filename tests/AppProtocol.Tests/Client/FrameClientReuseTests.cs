using System.Buffers;
using System.Text;
using AppProtocol.Client;
using AppProtocol.Framing;
using AppProtocol.Samples;

namespace AppProtocol.Tests.Client;

/// <summary>
/// A client learns whether its server keeps connections open. Through a proxy, a server that closes after each
/// answer closes with a FIN that arrives after the client reused the connection, so no reset marks the request unread:
/// the client must stop reusing connections, and lose at most the request that showed it.
/// </summary>
public sealed class FrameClientReuseTests
{
    [Fact]
    public async Task Through_a_proxy_a_server_that_closes_after_each_answer_costs_one_request_then_each_gets_its_own_connection()
    {
        await using var server = FakeServer.Tcp(AnswerOnceAndCloseAsync);
        await using var proxy = FaultProxy.Start(server.Port, HoldServerClose);
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = proxy.Port });

        var failures = new List<FrameClientException>();
        for (int i = 0; i < 10; i++)
        {
            try
            {
                Assert.Equal($"echo:r{i}", await SendAsync(client, $"r{i}"));
            }
            catch (FrameClientException ex)
            {
                failures.Add(ex);
            }
        }

        // The second request went out on the reused connection as the server closed it: it may have been read.
        FrameClientException lost = Assert.Single(failures);
        Assert.False(lost.RequestNotProcessed);
        Assert.Contains("closed the connection before answering", lost.Message, StringComparison.Ordinal);
        Assert.Equal(9, proxy.Accepted);
    }

    [Fact]
    public async Task Concurrent_callers_against_a_server_that_closes_after_each_answer_lose_at_most_one_request()
    {
        await using var server = FakeServer.Tcp(AnswerOnceAndCloseAsync);
        await using var proxy = FaultProxy.Start(server.Port, HoldServerClose);
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = proxy.Port });

        Task<string>[] calls = [.. Enumerable.Range(0, 16).Select(i => SendAsync(client, $"r{i}"))];
        await Task.WhenAll(calls).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(ChildProcess.Timeout);

        Task<string> lost = Assert.Single(calls, c => c.IsFaulted);
        Assert.IsType<FrameClientException>(lost.Exception!.InnerException);
        Assert.Equal(15, calls.Count(c => c.IsCompletedSuccessfully));
    }

    [Fact]
    public async Task A_server_that_marks_its_first_answer_last_loses_no_request_and_each_gets_its_own_connection()
    {
        await using var server = FakeServer.Tcp(async peer =>
        {
            await peer.WriteAsync(FakePeer.EchoLast((await peer.ReadFrameAsync())!.Value));
            peer.Close();
        });
        await using var proxy = FaultProxy.Start(server.Port, HoldServerClose);
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = proxy.Port });

        string[] answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => SendAsync(client, $"r{i}"))).WaitAsync(ChildProcess.Timeout);

        Assert.Equal(Enumerable.Range(0, 16).Select(i => $"echo:r{i}"), answers);
        Assert.Equal(16, proxy.Accepted);
    }

    [Fact]
    public async Task Requests_pipelined_behind_an_answer_marked_last_go_out_again_on_a_new_connection()
    {
        int connections = 0;
        var allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = FakeServer.Tcp(async peer =>
        {
            if (Interlocked.Increment(ref connections) > 1)
            {
                await peer.EchoFramesAsync();
                return;
            }

            // Keep the connection for the warm-up, then answer the first of three requests as the last, as a server
            // that starts shutting down does, and close without reading the others.
            await peer.EchoFramesAsync(KeepAlive.Exchanges);
            Frame first = (await peer.ReadFrameAsync())!.Value;
            await peer.ReadFrameAsync();
            await peer.ReadFrameAsync();
            allArrived.SetResult();
            await peer.WriteAsync(FakePeer.EchoLast(first));
            peer.Close();
        });
        var log = new CapturingLogger();
        await using var client = new FrameClient(new FrameClientOptions { MaxConnectionsPerServer = 1, Host = "127.0.0.1", Port = server.Port, Logger = log });
        await KeepAlive.WarmUpAsync(client);

        Task<string>[] calls = [.. Enumerable.Range(0, 3).Select(i => SendAsync(client, $"r{i}"))];
        await allArrived.Task.WaitAsync(ChildProcess.Timeout);

        Assert.Equal(["echo:r0", "echo:r1", "echo:r2"], await Task.WhenAll(calls).WaitAsync(ChildProcess.Timeout));
        Assert.Equal(2, server.Accepted);
        Assert.Equal(2, log.Events.Count(e => e == "RequestResent"));
    }

    [Fact]
    public void What_the_client_learns_from_the_server()
    {
        var reuse = new ConnectionReuse("test", Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        Assert.Equal(ConnectionReuse.Mode.Unknown, reuse.Current);

        // An idle timeout after one answer teaches nothing; a close right after it, or one with a request waiting, does.
        reuse.ServerClosed(answers: 1, requestWaiting: false, sinceLastAnswer: TimeSpan.FromMinutes(2));
        Assert.Equal(ConnectionReuse.Mode.Unknown, reuse.Current);
        reuse.ServerClosed(answers: 1, requestWaiting: true, sinceLastAnswer: TimeSpan.FromMinutes(2));
        Assert.Equal(ConnectionReuse.Mode.ClosesAfterEachAnswer, reuse.Current);
        Assert.False(reuse.ReusesConnections);

        // A second answer on one connection shows the server keeps connections open.
        reuse.Answered(ordinal: 2, lastOnConnection: false);
        Assert.Equal(ConnectionReuse.Mode.KeepsAlive, reuse.Current);
        reuse.ServerClosed(answers: 5, requestWaiting: true, sinceLastAnswer: TimeSpan.Zero);
        Assert.Equal(ConnectionReuse.Mode.KeepsAlive, reuse.Current);

        // A first answer marked last shows it closes after each; a server that marks its last answers and leaves a first
        // one unmarked keeps connections again.
        reuse.Answered(ordinal: 1, lastOnConnection: true);
        Assert.Equal(ConnectionReuse.Mode.ClosesAfterEachAnswer, reuse.Current);
        reuse.Answered(ordinal: 1, lastOnConnection: false);
        Assert.Equal(ConnectionReuse.Mode.Unknown, reuse.Current);
    }

    [Fact]
    public async Task Until_a_connection_has_carried_two_answers_requests_go_one_at_a_time()
    {
        var reuse = new ConnectionReuse("test", Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        Assert.True(await reuse.EnterAsync(CancellationToken.None));
        ValueTask<bool> second = reuse.EnterAsync(CancellationToken.None);
        Assert.False(second.IsCompleted);

        reuse.Answered(ordinal: 2, lastOnConnection: false);
        reuse.Exit(entered: true);

        // Learned while waiting: the second caller passes without a turn, and later ones do not wait at all.
        Assert.False(await second.AsTask().WaitAsync(ChildProcess.Timeout));
        Assert.False(await reuse.EnterAsync(CancellationToken.None));
    }

    /// <summary>The proxy passes the server's FIN on only once the client sent more: the client reuses the connection first.</summary>
    private static void HoldServerClose(ProxyLink link) => link.ToClient.HoldEndOfStream = true;

    private static async Task AnswerOnceAndCloseAsync(FakePeer peer)
    {
        await peer.EchoFramesAsync(1);
        peer.Close();
    }

    private static async Task<string> SendAsync(FrameClient client, string text)
    {
        Frame answer = await client.SendAsync(Frame.Binary(SampleContentTypes.ClientBinary, Encoding.UTF8.GetBytes(text))).AsTask().WaitAsync(ChildProcess.Timeout);
        return Encoding.UTF8.GetString(answer.Content.ToArray());
    }
}
