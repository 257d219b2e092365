using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using AppProtocol.Tests.Hostile;
using AppProtocol.Transport;

namespace AppProtocol.Tests.Transport;

/// <summary>The socket connection's own pipe: the PipeReader and PipeWriter contracts, over a real socket pair.</summary>
public sealed class SocketPipeTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_read_larger_than_one_buffer_arrives_whole_starting_with_a_small_buffer_and_every_buffer_comes_back()
    {
        var pool = new CountingMemoryPool();
        await using Pair pair = await Pair.ConnectAsync(pool);
        byte[] data = RandomBytes(300 * 1024);
        Task<int> send = pair.Peer.SendAsync(data);

        ReadOnlySequence<byte> buffer = await ReadAtLeastAsync(pair.Input, data.Length);

        Assert.True(buffer.First.Length <= 4096, $"The first buffer of a frame holds {buffer.First.Length} bytes.");
        Assert.Equal(data, buffer.ToArray());
        pair.Input.AdvanceTo(buffer.End);
        Assert.Equal(0, pool.Outstanding);
        await send.WaitAsync(Patience);
    }

    [Fact]
    public async Task A_stream_consumed_read_by_read_is_received_64_KiB_at_a_time_once_a_receive_fills_its_buffer()
    {
        // A streamed request's content is consumed read by read, so its buffers are never chained: with a 4 KiB first
        // buffer for every read, 1 MiB took 256 receives or more.
        await using Pair pair = await Pair.ConnectAsync();
        byte[] data = RandomBytes(1024 * 1024);
        Task<int> send = pair.Peer.SendAsync(data);

        var sizes = new List<int>();
        var received = new List<byte>();
        while (received.Count < data.Length)
        {
            ReadResult read = await pair.Input.ReadAsync().AsTask().WaitAsync(Patience);
            sizes.Add(checked((int)read.Buffer.Length));
            received.AddRange(read.Buffer.ToArray());
            pair.Input.AdvanceTo(read.Buffer.End);
        }

        Assert.Equal(data, received);
        Assert.True(sizes[0] <= 4096, $"The first read holds {sizes[0]} bytes.");
        Assert.True(sizes.Max() > 4096 && sizes.Count < data.Length / 4096 / 2, $"{sizes.Count} reads, the largest {sizes.Max()} bytes.");
        await send.WaitAsync(Patience);
    }

    [Fact]
    public async Task Bytes_examined_but_not_all_are_returned_again_without_waiting_and_all_examined_waits_for_more()
    {
        await using Pair pair = await Pair.ConnectAsync();
        await pair.Peer.SendAsync("abcdef"u8.ToArray());
        ReadOnlySequence<byte> buffer = await ReadAtLeastAsync(pair.Input, 6);

        pair.Input.AdvanceTo(buffer.GetPosition(2), buffer.GetPosition(4));
        Assert.True(pair.Input.TryRead(out ReadResult again));
        Assert.Equal("cdef"u8.ToArray(), again.Buffer.ToArray());

        pair.Input.AdvanceTo(again.Buffer.Start, again.Buffer.End);
        Assert.False(pair.Input.TryRead(out _));
        ValueTask<ReadResult> more = pair.Input.ReadAsync();
        Assert.False(more.IsCompleted);
        await pair.Peer.SendAsync("g"u8.ToArray());
        Assert.Equal("cdefg"u8.ToArray(), (await more.AsTask().WaitAsync(Patience)).Buffer.ToArray());
    }

    [Fact]
    public async Task Cancelling_a_pending_read_returns_it_cancelled_and_loses_no_byte_sent_after()
    {
        await using Pair pair = await Pair.ConnectAsync();
        ValueTask<ReadResult> pending = pair.Input.ReadAsync();
        Assert.False(pending.IsCompleted);

        pair.Input.CancelPendingRead();
        ReadResult cancelled = await pending.AsTask().WaitAsync(Patience);
        Assert.True(cancelled.IsCanceled);
        pair.Input.AdvanceTo(cancelled.Buffer.Start);

        await pair.Peer.SendAsync("xyz"u8.ToArray());
        ReadOnlySequence<byte> buffer = await ReadAtLeastAsync(pair.Input, 3);
        Assert.Equal("xyz"u8.ToArray(), buffer.ToArray());
    }

    [Fact]
    public async Task Cancelling_with_no_read_pending_cancels_the_next_read_only()
    {
        await using Pair pair = await Pair.ConnectAsync();
        pair.Input.CancelPendingRead();

        ReadResult first = await pair.Input.ReadAsync();
        Assert.True(first.IsCanceled);
        pair.Input.AdvanceTo(first.Buffer.Start);

        ValueTask<ReadResult> second = pair.Input.ReadAsync();
        Assert.False(second.IsCompleted);
        await pair.Peer.SendAsync("1"u8.ToArray());
        Assert.False((await second.AsTask().WaitAsync(Patience)).IsCanceled);
    }

    [Fact]
    public async Task A_cancelled_token_throws_and_the_reader_still_reads_afterwards()
    {
        await using Pair pair = await Pair.ConnectAsync();
        using var cancel = new CancellationTokenSource();
        ValueTask<ReadResult> pending = pair.Input.ReadAsync(cancel.Token);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pending.AsTask().WaitAsync(Patience));

        await pair.Peer.SendAsync("ok"u8.ToArray());
        Assert.Equal("ok"u8.ToArray(), (await ReadAtLeastAsync(pair.Input, 2)).ToArray());
    }

    [Fact]
    public async Task The_peers_end_of_stream_completes_the_read_after_the_bytes_before_it()
    {
        await using Pair pair = await Pair.ConnectAsync();
        await pair.Peer.SendAsync("last"u8.ToArray());
        pair.Peer.Shutdown(SocketShutdown.Send);

        ReadResult result;
        while (!(result = await pair.Input.ReadAsync().AsTask().WaitAsync(Patience)).IsCompleted)
        {
            pair.Input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }

        Assert.Equal("last"u8.ToArray(), result.Buffer.ToArray());
    }

    [Fact]
    public async Task A_reader_waiting_for_data_holds_no_buffer()
    {
        var pool = new CountingMemoryPool();
        await using Pair pair = await Pair.ConnectAsync(pool);
        ValueTask<ReadResult> pending = pair.Input.ReadAsync();

        Assert.False(pending.IsCompleted);
        Assert.Equal(0, pool.Outstanding);
        await pair.Peer.SendAsync("a"u8.ToArray());
        ReadResult result = await pending.AsTask().WaitAsync(Patience);
        pair.Input.AdvanceTo(result.Buffer.End);
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public async Task Writes_are_sent_on_flush_in_order_and_every_buffer_comes_back()
    {
        var pool = new CountingMemoryPool();
        await using Pair pair = await Pair.ConnectAsync(pool);
        byte[] large = RandomBytes(10_000);
        pair.Output.Write("head"u8);
        Assert.Equal(4, pair.Output.UnflushedBytes);
        pair.Output.Write(large);

        FlushResult flushed = await pair.Output.FlushAsync();

        Assert.False(flushed.IsCanceled);
        Assert.Equal(0, pair.Output.UnflushedBytes);
        Assert.Equal(0, pool.Outstanding);
        byte[] expected = [.. "head"u8.ToArray(), .. large];
        Assert.Equal(expected, await ReceiveAsync(pair.Peer, expected.Length));
    }

    [Fact]
    public async Task Large_content_is_sent_from_the_callers_memory_after_what_is_buffered()
    {
        var pool = new CountingMemoryPool();
        await using Pair pair = await Pair.ConnectAsync(pool);
        byte[] content = RandomBytes(4 * 1024 * 1024);
        pair.Output.Write("hdr"u8);

        Task<byte[]> received = ReceiveAsync(pair.Peer, 3 + content.Length);
        await pair.Output.WriteAsync(content).AsTask().WaitAsync(Patience);

        byte[] expected = [.. "hdr"u8.ToArray(), .. content];
        Assert.Equal(expected, await received);
        Assert.Equal(1, pool.Rented);
    }

    [Fact]
    public async Task Cancelling_a_flush_makes_the_next_one_report_it()
    {
        await using Pair pair = await Pair.ConnectAsync();
        pair.Output.CancelPendingFlush();
        pair.Output.Write("z"u8);

        Assert.True((await pair.Output.FlushAsync()).IsCanceled);
        pair.Output.Write("z"u8);
        Assert.False((await pair.Output.FlushAsync()).IsCanceled);
        Assert.Equal("zz"u8.ToArray(), await ReceiveAsync(pair.Peer, 2));
    }

    private static byte[] RandomBytes(int length)
    {
        byte[] data = new byte[length];
        new Random(length).NextBytes(data);
        return data;
    }

    // Reads until at least count bytes are buffered; the caller advances.
    private static async Task<ReadOnlySequence<byte>> ReadAtLeastAsync(PipeReader input, int count)
    {
        while (true)
        {
            ReadResult result = await input.ReadAsync().AsTask().WaitAsync(Patience);
            if (result.Buffer.Length >= count || result.IsCompleted)
            {
                return result.Buffer;
            }

            input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    private static async Task<byte[]> ReceiveAsync(Socket socket, int count)
    {
        byte[] received = new byte[count];
        for (int at = 0; at < count;)
        {
            int n = await socket.ReceiveAsync(received.AsMemory(at)).AsTask().WaitAsync(Patience);
            Assert.NotEqual(0, n);
            at += n;
        }

        return received;
    }

    private sealed class Pair(SocketConnection connection, Socket peer) : IAsyncDisposable
    {
        public Socket Peer => peer;

        public PipeReader Input => connection.Transport.Input;

        public PipeWriter Output => connection.Transport.Output;

        public static async Task<Pair> ConnectAsync(MemoryPool<byte>? pool = null)
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen();
            var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await peer.ConnectAsync(listener.LocalEndPoint!).WaitAsync(Patience);
            Socket accepted = await listener.AcceptAsync().WaitAsync(Patience);
            return new Pair(new SocketConnection(accepted, pool) { LingerTime = TimeSpan.Zero }, peer);
        }

        public async ValueTask DisposeAsync()
        {
            await connection.DisposeAsync();
            peer.Dispose();
        }
    }
}
