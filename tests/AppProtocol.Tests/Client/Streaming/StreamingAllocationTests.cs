using AppProtocol.Client;
using AppProtocol.Framing;
using AppProtocol.Tests.Pipelines;
using AppProtocol.Tests.Server;

namespace AppProtocol.Tests.Client.Streaming;

/// <summary>
/// Streamed content is never held whole: 200 MiB each way allocates a few MiB at most. Run alone (the allocation
/// counter is the process's), after the parallel tests.
/// </summary>
[Collection(nameof(AllocationTests))]
public sealed class StreamingAllocationTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Sending_200_MiB_from_a_generated_stream_allocates_far_less_than_the_content()
    {
        const long length = 200L * 1024 * 1024;
        await using var sink = FrameSink.Start(FrameSink.Behaviour.Hash);
        await using var client = StreamingTestData.Client(sink.Port);
        await client.SendAsync(FrameHeader.Binary("binary/file", 1024), new GeneratedContent(1024)).WaitAsync(Patience);
        await using var second = FrameSink.Start(FrameSink.Behaviour.Hash);
        await using var measured = StreamingTestData.Client(second.Port);

        long before = GC.GetTotalAllocatedBytes(precise: true);
        Frame answer = await measured.SendAsync(FrameHeader.Binary("binary/file", length), new GeneratedContent(length)).WaitAsync(Patience * 4);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal(length, FrameSink.ReadAnswer(answer).Length);
        Assert.True(allocated < 8 * 1024 * 1024, $"allocated {allocated:N0} bytes to send {length:N0} (the peer's allocations included)");
    }


    [Fact]
    public async Task Reading_200_MiB_allocates_far_less_than_the_content()
    {
        const long length = 200L * 1024 * 1024;
        await using TestServer server = await TestServer.StartAsync(StreamingTestData.Download(length));
        await using var client = StreamingTestData.Client(StreamingTestData.Port(server));
        await using (FrameResponseStream warm = await client.SendForResponseStreamAsync(Frame.Binary("binary/get", "x"u8.ToArray())).WaitAsync(Patience))
        {
            await warm.ReadExactlyAsync(new byte[1024 * 1024]).AsTask().WaitAsync(Patience);
        }

        byte[] buffer = new byte[64 * 1024];
        long before = GC.GetTotalAllocatedBytes(precise: true);
        long read = 0;
        await using (FrameResponseStream response = await client.SendForResponseStreamAsync(Frame.Binary("binary/get", "x"u8.ToArray())).WaitAsync(Patience))
        {
            for (int n; (n = await response.ReadAsync(buffer)) > 0;)
            {
                read += n;
            }
        }

        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Equal(length, read);
        Assert.True(allocated < 8 * 1024 * 1024, $"allocated {allocated:N0} bytes to read {length:N0} (the in-process server's allocations included)");
    }
}
