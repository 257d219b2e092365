using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using AppProtocol.Client;
using AppProtocol.Framing;
using AppProtocol.Tests.Server;

namespace AppProtocol.Tests.Client.Streaming;

/// <summary>The client's request content from a stream: the same bytes as a buffered frame, exact lengths, backpressure, early answers.</summary>
public sealed class StreamedRequestTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_streamed_request_is_byte_for_byte_the_buffered_frame()
    {
        const int length = 300_000;
        await using var sink = FrameSink.Start(FrameSink.Behaviour.Hash, keep: 400_000);
        await using var client = Client(sink.Port);
        FrameHeader header = FrameHeader.Binary("binary/file", length) with { ExtraMembers = StreamingTestData.Members("upload", "a.bin") };

        await client.SendAsync(header, new GeneratedContent(length)).WaitAsync(Patience);

        var buffered = new ArrayBufferWriter<byte>();
        byte[] content = new byte[length];
        new GeneratedContent(length).ReadExactly(content);
        FrameWriter.Write(buffered, header, content);
        Assert.Equal(buffered.WrittenSpan.ToArray(), sink.Kept);
    }

    [Fact]
    public async Task The_content_arrives_whole_and_progress_counts_every_byte()
    {
        const long length = 20L * 1024 * 1024 + 123;
        await using var sink = FrameSink.Start(FrameSink.Behaviour.Hash);
        await using var client = Client(sink.Port);
        var progress = new Reports();

        Frame answer = await client.SendAsync(FrameHeader.Binary("binary/file", length), new GeneratedContent(length), progress).WaitAsync(Patience);

        Assert.Equal((Convert.ToHexStringLower(GeneratedContent.HashOf(length)), length), FrameSink.ReadAnswer(answer));
        Assert.Equal(length, progress.Values[^1]);
        Assert.True(progress.Values.SequenceEqual(progress.Values.Order()), "progress only goes up");
        Assert.True(progress.Values.Count >= length / (1024 * 1024), "progress is reported as the content goes out (at least once a MiB), not once");
    }

    [Fact]
    public async Task A_source_shorter_than_declared_throws_and_resets_the_connection_before_a_whole_frame()
    {
        await using var sink = FrameSink.Start(FrameSink.Behaviour.Hash);
        await using var client = Client(sink.Port);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.SendAsync(FrameHeader.Binary("binary/file", 1_000_000), new GeneratedContent(1_000_000, endsAt: 600_000)).WaitAsync(Patience));

        Assert.Equal("content", error.ParamName);
        Assert.Contains("600,000 of the 1,000,000 bytes", error.Message, StringComparison.Ordinal);
        await sink.Closed.WaitAsync(Patience);
    }

    [Fact]
    public async Task Only_content_length_bytes_are_read_from_a_longer_source()
    {
        await using var sink = FrameSink.Start(FrameSink.Behaviour.Hash);
        await using var client = Client(sink.Port);
        byte[] bytes = Encoding.ASCII.GetBytes("first part|the rest stays");
        var source = new MemoryStream(bytes);

        Frame answer = await client.SendAsync(FrameHeader.Binary("binary/file", 10), source).WaitAsync(Patience);

        Assert.Equal((Convert.ToHexStringLower(SHA256.HashData(bytes.AsSpan(0, 10))), 10L), FrameSink.ReadAnswer(answer));
        Assert.Equal(10, source.Position);
    }

    [Fact]
    public async Task An_error_reply_before_the_content_was_read_stops_the_upload_and_is_thrown()
    {
        await using var sink = FrameSink.Start(FrameSink.Behaviour.RejectAfterHeader);
        await using var client = Client(sink.Port);
        const long length = 4L * 1024 * 1024 * 1024;
        var content = new GeneratedContent(length);

        var error = await Assert.ThrowsAsync<FrameErrorReplyException>(() => client.SendAsync(FrameHeader.Binary("binary/file", length), content).WaitAsync(Patience));

        Assert.Equal(FrameErrors.BadRequest, error.Code);
        Assert.Contains($"127.0.0.1:{sink.Port}", error.Message, StringComparison.Ordinal);
        Assert.True(content.Position < length / 4, $"the upload stopped at the answer ({content.Position:N0} bytes read)");
    }

    [Fact]
    public async Task A_server_that_stops_reading_makes_the_send_time_out_and_says_the_request_was_not_processed()
    {
        await using var sink = FrameSink.Start(FrameSink.Behaviour.StallAfterHeader);
        await using var client = Client(sink.Port, requestTimeout: TimeSpan.FromMilliseconds(500));
        const long length = 4L * 1024 * 1024 * 1024;
        var content = new GeneratedContent(length);

        var error = await Assert.ThrowsAsync<FrameClientTimeoutException>(() => client.SendAsync(FrameHeader.Binary("binary/file", length), content).WaitAsync(Patience));

        Assert.True(error.RequestNotProcessed);
        Assert.Contains("took no request content for 500 ms", error.Message, StringComparison.Ordinal);
        Assert.True(content.Position < 256 * 1024 * 1024, $"backpressure held the source back ({content.Position:N0} bytes read)");
    }

    [Fact]
    public async Task Cancelling_the_call_resets_the_connection()
    {
        await using var sink = FrameSink.Start(FrameSink.Behaviour.Hash);
        await using var client = Client(sink.Port);
        var content = new GeneratedContent(10_000_000, waitsAt: 1_000_000);
        using var cancel = new CancellationTokenSource();

        Task<Frame> call = client.SendAsync(FrameHeader.Binary("binary/file", 10_000_000), content, cancellationToken: cancel.Token);
        await content.Waiting.WaitAsync(Patience);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Patience));
        await sink.Closed.WaitAsync(Patience);
    }

    [Fact]
    public async Task The_library_server_gets_the_streamed_request_whole()
    {
        const int length = 8 * 1024 * 1024;
        await using TestServer server = await TestServer.StartAsync(StreamingTestData.HashHandler);
        await using var client = Client(StreamingTestData.Port(server));

        Frame answer = await client.SendAsync(FrameHeader.Binary("binary/file", length), new GeneratedContent(length)).WaitAsync(Patience);

        Assert.Equal((Convert.ToHexStringLower(GeneratedContent.HashOf(length)), (long)length), FrameSink.ReadAnswer(answer));
    }

    [Fact]
    public async Task The_library_server_gets_a_200_MiB_streamed_request_whole()
    {
        const long length = 200L * 1024 * 1024;
        await using TestServer server = await TestServer.StartAsync(StreamingTestData.HashHandler, o => o.RequestStreamingThreshold = 64 * 1024);
        await using var client = Client(StreamingTestData.Port(server));

        Frame answer = await client.SendAsync(FrameHeader.Binary("binary/file", length), new GeneratedContent(length)).WaitAsync(Patience * 4);

        Assert.Equal((Convert.ToHexStringLower(GeneratedContent.HashOf(length)), length), FrameSink.ReadAnswer(answer));
    }

    private static FrameClient Client(int port, TimeSpan? requestTimeout = null) =>
        new(new FrameClientOptions { Host = "127.0.0.1", Port = port, RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(30) });

    // Records synchronously (Progress<T> would post to the thread pool, out of order).
    private sealed class Reports : IProgress<long>
    {
        public List<long> Values { get; } = [];

        public void Report(long value)
        {
            lock (Values)
            {
                Values.Add(value);
            }
        }
    }
}
