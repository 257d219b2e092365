using System.Buffers;
using System.Text;
using AppProtocol.Client;
using AppProtocol.Framing;
using AppProtocol.Samples;

namespace AppProtocol.Tests.Client;

/// <summary>
/// <see cref="FrameClientOptions.UnsafePreferInlineScheduling"/>: a caller's code after its await runs on the read loop,
/// so the answers behind it wait until it awaits again; by default it runs on the thread pool and holds up nothing.
/// </summary>
public sealed class FrameClientInlineSchedulingTests
{
    [Fact]
    public async Task By_default_a_caller_that_blocks_after_its_answer_does_not_hold_up_the_next_answer()
    {
        // Blocking there is what the option's remarks warn against: by default it costs nothing.
        (bool secondCompleted, _) = await AfterFirstAnswerAsync(inline: false, second => second.Wait(ChildProcess.Timeout));

        Assert.True(secondCompleted);
    }

    [Fact]
    public async Task Inline_the_caller_runs_on_the_read_loop_and_the_next_answer_waits_for_it()
    {
        // Both answers came in one read: by default the second completes at once (above); inline it cannot, however
        // long the first caller waits (bounded, so the test cannot hang).
        (bool secondCompleted, Frame second) = await AfterFirstAnswerAsync(inline: true, second => second.Wait(TimeSpan.FromMilliseconds(500)));

        Assert.False(secondCompleted);
        Assert.Equal("echo:second", Encoding.UTF8.GetString(second.Content.ToArray()));
    }

    [Fact]
    public async Task Inline_callers_in_a_loop_each_get_their_own_answer()
    {
        await using var server = FakeServer.Tcp(peer => peer.EchoFramesAsync());
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = server.Port, UnsafePreferInlineScheduling = true, MaxConnectionsPerServer = 2 });

        await Task.WhenAll(Enumerable.Range(0, 8).Select(caller => Task.Run(async () =>
        {
            for (int i = 0; i < 50; i++)
            {
                Frame answer = await client.SendAsync(Request($"{caller}-{i}"));
                Assert.Equal($"echo:{caller}-{i}", Encoding.UTF8.GetString(answer.Content.ToArray()));
            }
        }))).WaitAsync(ChildProcess.Timeout);
    }

    // Two pipelined calls whose answers the server sends in one write, once the first call's continuation is in place:
    // that continuation runs where the client completes the call, and looks at the second call there.
    private static async Task<(bool Seen, Frame Second)> AfterFirstAnswerAsync(bool inline, Func<Task<Frame>, bool> look)
    {
        var continuationInPlace = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = FakeServer.Tcp(async peer =>
        {
            await peer.EchoFramesAsync(KeepAlive.Exchanges);
            Frame first = (await peer.ReadFrameAsync())!.Value;
            Frame second = (await peer.ReadFrameAsync())!.Value;
            await continuationInPlace.Task.WaitAsync(ChildProcess.Timeout);
            await peer.WriteRawAsync([.. Encoded(FakePeer.Echo(first)), .. Encoded(FakePeer.Echo(second))]);
            await peer.EchoFramesAsync();
        });
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = server.Port, MaxConnectionsPerServer = 1, UnsafePreferInlineScheduling = inline });
        await KeepAlive.WarmUpAsync(client);

        Task<Frame> firstCall = client.SendAsync(Request("first")).AsTask();
        Task<Frame> secondCall = client.SendAsync(Request("second")).AsTask();
        Task<bool> seen = firstCall.ContinueWith(_ => look(secondCall), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        continuationInPlace.SetResult();

        return (await seen.WaitAsync(ChildProcess.Timeout), await secondCall.WaitAsync(ChildProcess.Timeout));
    }

    private static Frame Request(string text) => Frame.Binary(SampleContentTypes.ClientBinary, Encoding.UTF8.GetBytes(text));

    private static byte[] Encoded(Frame frame)
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.Write(output, frame);
        return output.WrittenSpan.ToArray();
    }
}
