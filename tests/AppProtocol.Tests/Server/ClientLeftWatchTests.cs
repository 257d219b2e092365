using AppProtocol.Framing;
using AppProtocol.Tests.Support;

namespace AppProtocol.Tests.Server;

/// <summary>
/// The watch for the client leaving while an asynchronous handler runs: a wait that completes with nothing to read is
/// the end of the stream only if a second wait completes at once. A spent readiness event (seen on sockets under load)
/// once cancelled a handler whose client was still waiting, and the client lost its answer.
/// </summary>
public sealed class ClientLeftWatchTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_wait_that_completes_with_nothing_to_read_while_the_client_stays_does_not_cancel_the_handler()
    {
        // The first wait is the idle one before the request; the second, the watch's, completes spuriously.
        var socket = new ScriptedSocketWait(spuriousCall: 2);
        var tokenCancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using InMemoryServer server = await InMemoryServer.StartAsync(
            async (exchange, token) =>
            {
                // Until the watch has either looked again or cancelled the token: it has decided either way.
                var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                using (token.Register(() => cancelled.TrySetResult()))
                {
                    await Task.WhenAny(socket.Rewatched, cancelled.Task).WaitAsync(Patience);
                }

                tokenCancelled.TrySetResult(token.IsCancellationRequested);
                await SearchHandler.Handler(exchange, token);
            },
            b => b.UseConnectionMiddleware(socket.Middleware));
        await using InMemoryServer.Client client = await server.ConnectAsync();

        await client.SendAsync(Requests.Search("morpheus"));

        Assert.False(await tokenCancelled.Task.WaitAsync(Patience), "The handler's token was cancelled although the client was still waiting.");
        Frame? answer = await client.ReadAsync();
        Assert.NotNull(answer);
        Assert.Equal("Follow the white rabbit. \U0001F430", Requests.Result(answer.Value));
    }

    [Fact]
    public async Task The_end_of_the_stream_while_a_handler_runs_still_cancels_its_token()
    {
        var socket = new ScriptedSocketWait(spuriousCall: 0);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using InMemoryServer server = await InMemoryServer.StartAsync(
            async (exchange, token) =>
            {
                using CancellationTokenRegistration registration = token.Register(() => cancelled.TrySetResult());
                entered.TrySetResult();
                await cancelled.Task.WaitAsync(Patience);
                exchange.RespondError(FrameErrors.ServerError, "gone");
            },
            b => b.UseConnectionMiddleware(socket.Middleware));
        await using InMemoryServer.Client client = await server.ConnectAsync();
        await client.SendAsync(Requests.Search("morpheus"));
        await entered.Task.WaitAsync(Patience);

        await client.ShutdownSendAsync();

        await cancelled.Task.WaitAsync(Patience);
    }
}
