using System.Buffers;
using System.IO.Pipelines;
using AppProtocol.Framing;
using AppProtocol.Tests.Support;

namespace AppProtocol.Tests.Server;

/// <summary>Responses with content from a stream, a pipe or a file: whole frames, exact lengths, and backpressure.</summary>
public sealed class StreamedResponseTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Content_from_a_stream_arrives_as_one_frame_byte_for_byte()
    {
        byte[] content = RandomBytes(3 * 1024 * 1024);
        await using InMemoryServer server = await InMemoryServer.StartAsync(
            (exchange, ct) => exchange.RespondAsync(FrameHeader.Binary("binary/file", content.Length), new MemoryStream(content), ct));
        await using InMemoryServer.Client client = await server.ConnectAsync();

        Frame answer = await client.ExchangeAsync(Requests.Binary("get"));

        Assert.Equal(content.Length, answer.Header.ContentLength);
        Assert.True(content.AsSpan().SequenceEqual(answer.Content.ToArray()));
        Assert.Equal(content.Length, (await client.ExchangeAsync(Requests.Binary("again"))).Content.Length);
    }

    [Fact]
    public async Task Content_from_a_pipe_takes_exactly_the_declared_length_and_leaves_the_rest()
    {
        byte[] content = RandomBytes(1024 * 1024);
        var source = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        await source.Writer.WriteAsync(content);
        await source.Writer.WriteAsync("rest"u8.ToArray());
        await using InMemoryServer server = await InMemoryServer.StartAsync(
            (exchange, ct) => exchange.RespondAsync(FrameHeader.Binary("binary/file", content.Length), source.Reader, ct));
        await using InMemoryServer.Client client = await server.ConnectAsync();

        Frame answer = await client.ExchangeAsync(Requests.Binary("get"));

        Assert.True(content.AsSpan().SequenceEqual(answer.Content.ToArray()));
        Assert.True(source.Reader.TryRead(out ReadResult left));
        Assert.Equal("rest"u8.ToArray(), left.Buffer.ToArray());
    }

    [Fact]
    public async Task A_file_is_sent_with_its_length_in_the_header()
    {
        string path = Path.GetTempFileName();
        byte[] content = RandomBytes(2 * 1024 * 1024 + 17);
        await File.WriteAllBytesAsync(path, content);
        try
        {
            await using InMemoryServer server = await InMemoryServer.StartAsync((exchange, ct) => exchange.RespondFileAsync("binary/file", path, ct));
            await using InMemoryServer.Client client = await server.ConnectAsync();

            Frame answer = await client.ExchangeAsync(Requests.Binary("get"));

            Assert.Equal("binary/file", answer.Header.ContentType);
            Assert.True(content.AsSpan().SequenceEqual(answer.Content.ToArray()));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_source_shorter_than_declared_resets_the_connection_and_no_whole_frame_arrives()
    {
        var log = new LogSignal();
        await using InMemoryServer server = await InMemoryServer.StartAsync(
            (exchange, ct) => exchange.RespondAsync(FrameHeader.Binary("binary/file", 200_000), new MemoryStream(new byte[100_000]), ct),
            b => b.LoggerFactory = log);
        await using InMemoryServer.Client client = await server.ConnectAsync();

        await client.SendAsync(Requests.Binary("get"));

        await client.AssertClosedByServerAsync();
        await log.WaitAsync("HandlerFailed");
        Assert.Contains("100000 of the 200000 bytes", log.Events.Single(e => e.Name == "HandlerFailed").Exception!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_source_longer_than_declared_sends_the_whole_frame_then_closes()
    {
        var log = new LogSignal();
        byte[] content = RandomBytes(5000);
        await using InMemoryServer server = await InMemoryServer.StartAsync(
            (exchange, ct) => exchange.RespondAsync(FrameHeader.Binary("binary/file", 4000), new MemoryStream(content), ct),
            b => b.LoggerFactory = log);
        await using InMemoryServer.Client client = await server.ConnectAsync();

        Frame answer = await client.ExchangeAsync(Requests.Binary("get"));

        Assert.True(content.AsSpan(0, 4000).SequenceEqual(answer.Content.ToArray()));
        await client.AssertClosedByServerAsync();
        await log.WaitAsync("HandlerFailed");
    }

    [Fact]
    public async Task A_client_that_does_not_read_stops_the_source_instead_of_filling_memory()
    {
        var log = new LogSignal();
        var source = new CountingStream(1L << 30);
        await using InMemoryServer server = await InMemoryServer.StartAsync(
            (exchange, ct) => exchange.RespondAsync(FrameHeader.Binary("binary/file", source.Length), source, ct),
            b =>
            {
                b.LoggerFactory = log;
                b.Options.MinResponseDataRate = null;
            });
        await using InMemoryServer.Client client = await server.ConnectAsync();

        await client.SendAsync(Requests.Binary("get"));
        await log.WaitAsync("WaitingForReader");

        // The in-memory pipe holds 64 KiB before its writer waits, and the response at most one more chunk.
        Assert.InRange(source.Position, 1, 256 * 1024);
    }

    private static byte[] RandomBytes(int length)
    {
        byte[] bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }

    /// <summary>A long stream of zeros that remembers how far it was read.</summary>
    private sealed class CountingStream(long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position
        {
            get => Interlocked.Read(ref _position);
            set => throw new NotSupportedException();
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int count = (int)Math.Min(buffer.Length, length - Position);
            buffer.Span[..count].Clear();
            Interlocked.Add(ref _position, count);
            return new(count);
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().Result;

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
