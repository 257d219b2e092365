using System.Buffers;
using AppProtocol.Client;
using AppProtocol.Framing;
using AppProtocol.Samples;
using AppProtocol.Tests.Support;

namespace AppProtocol.Tests.Client;

/// <summary>
/// What a call allocates, counted over many calls against a server that allocates nothing
/// (<see cref="GC.GetTotalAllocatedBytes(bool)"/> counts every thread): nothing with the lease API, and with
/// <see cref="FrameClient.SendAsync(Frame, CancellationToken)"/> little besides the response's own copy.
/// </summary>
[Collection(nameof(AppProtocol.Tests.Pipelines.AllocationTests))]
public sealed class FrameClientAllocationTests
{
    private const int Calls = 20_000;
    private static readonly Frame Request = Frame.Binary(SampleContentTypes.ClientBinary, new byte[16]);
    private static readonly Frame Response = Frame.Binary(SampleContentTypes.ClientBinary, new byte[32]);

    private enum Mode
    {
        Leased,
        Owned,
    }

    [OptimizedBuildFact]
    public async Task A_leased_call_allocates_nothing()
    {
        double perCall = await MeasureAsync(callers: 1, Mode.Leased, CancellationToken.None);

        // A margin for the runtime's own occasional allocations (timer queue, thread pool), not for a per-call object.
        Assert.True(perCall < 8, $"{perCall:0.0} bytes allocated per leased call.");
    }

    [OptimizedBuildFact]
    public async Task Leased_calls_from_concurrent_callers_allocate_nothing()
    {
        double perCall = await MeasureAsync(callers: 16, Mode.Leased, CancellationToken.None);

        Assert.True(perCall < 16, $"{perCall:0.0} bytes allocated per leased call with 16 callers.");
    }

    [OptimizedBuildFact]
    public async Task A_call_allocates_little_besides_its_response()
    {
        double perCall = await MeasureAsync(callers: 1, Mode.Owned, CancellationToken.None);

        // The response's own copy: a 32-byte array (56 bytes with its object header and length).
        Assert.True(perCall < 56 + 200, $"{perCall:0.0} bytes allocated per call.");
    }

    [OptimizedBuildFact]
    public async Task A_call_with_a_cancellable_token_allocates_nothing_either()
    {
        // The call registers on the caller's source, which reuses its registration nodes: no linked source per call.
        using var caller = new CancellationTokenSource();
        double perCall = await MeasureAsync(callers: 1, Mode.Leased, caller.Token);

        Assert.True(perCall < 8, $"{perCall:0.0} bytes allocated per leased call with a cancellable token.");
    }

    [OptimizedBuildFact]
    public async Task A_call_with_1_MiB_of_content_sends_it_from_the_callers_memory()
    {
        // Copied into the connection's pipe, 1 MiB took 256 pooled 4 KiB segments, and the pool, drained, allocated
        // about 700 KB per call (docs/PERFORMANCE.md).
        Frame large = Frame.Binary(SampleContentTypes.ClientBinary, new byte[1024 * 1024]);
        double perCall = await MeasureAsync(callers: 1, Mode.Leased, CancellationToken.None, large, calls: 400);

        Assert.True(perCall < 1024, $"{perCall:0.0} bytes allocated per leased call with 1 MiB of content.");
    }

    private static async Task<double> MeasureAsync(int callers, Mode mode, CancellationToken token, Frame? request = null, int calls = Calls)
    {
        Frame sent = request ?? Request;
        await using var server = FixedReplyServer.Start(EncodedLength(sent), Response);
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = server.Port });
        await RunAsync(client, callers, calls / 4, mode, token, sent);

        // The least of three runs: the counter sees every thread, and a straggler of an earlier test (a connection
        // closing, a log line) can allocate during one run; a per-call object shows in all three.
        long least = long.MaxValue;
        for (int run = 0; run < 3; run++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            await RunAsync(client, callers, calls, mode, token, sent);
            least = Math.Min(least, GC.GetTotalAllocatedBytes(precise: true) - before);
        }

        return (double)least / calls;
    }

    private static async Task RunAsync(FrameClient client, int callers, int calls, Mode mode, CancellationToken token, Frame request)
    {
        // One task per caller, not per call.
        Task[] running = new Task[callers];
        for (int c = 0; c < callers; c++)
        {
            running[c] = Task.Run(() => CallAsync(client, calls / callers, mode, token, request));
        }

        await Task.WhenAll(running).WaitAsync(ChildProcess.Timeout * 4);
    }

    private static async Task CallAsync(FrameClient client, int calls, Mode mode, CancellationToken token, Frame request)
    {
        for (int i = 0; i < calls; i++)
        {
            if (mode == Mode.Leased)
            {
                using FrameLease lease = await client.SendLeasedAsync(request, token);
                Check(lease.Frame);
            }
            else
            {
                Check(await client.SendAsync(request, token));
            }
        }
    }

    // Not Assert.Equal, which allocates.
    private static void Check(in Frame response)
    {
        if (response.Content.Length != Response.Content.Length)
        {
            throw new InvalidOperationException($"A response of {response.Content.Length} bytes.");
        }
    }

    private static int EncodedLength(Frame frame)
    {
        var encoded = new ArrayBufferWriter<byte>();
        FrameWriter.Write(encoded, frame);
        return encoded.WrittenCount;
    }
}
