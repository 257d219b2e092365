using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AppProtocol.Framing;

namespace AppProtocol.Tests.Client.Streaming;

/// <summary>
/// A raw peer on a loopback port 0 for the client's streamed requests, where the subject is the client: it reads one
/// frame's header, then hashes the content as it arrives and answers with its SHA-256, or answers an error reply at
/// once and closes, or stops reading; it can keep the first bytes it received.
/// </summary>
public sealed class FrameSink : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly TaskCompletionSource _headerRead = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly MemoryStream _kept = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Behaviour _behaviour;
    private readonly int _keep;
    private readonly Task _run;

    private FrameSink(Behaviour behaviour, int keep)
    {
        _behaviour = behaviour;
        _keep = keep;
        _listener.Start();
        _run = RunAsync();
    }

    public enum Behaviour
    {
        /// <summary>Reads the whole content and answers <c>{"sha256": "...", "length": n}</c>.</summary>
        Hash,

        /// <summary>Answers a bad-request error reply after the header and closes without reading the content.</summary>
        RejectAfterHeader,

        /// <summary>Reads the header and then nothing more, keeping the connection open.</summary>
        StallAfterHeader,
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Completes once the request's header was read.</summary>
    public Task HeaderRead => _headerRead.Task;

    /// <summary>Completes once the connection ended, by the client's close or reset.</summary>
    public Task Closed => _closed.Task;

    /// <summary>The first bytes received, up to the number asked to keep.</summary>
    public byte[] Kept => _kept.ToArray();

    public static FrameSink Start(Behaviour behaviour, int keep = 0) => new(behaviour, keep);

    /// <summary>Reads the hash answer's SHA-256 (hex) and length.</summary>
    public static (string Sha256, long Length) ReadAnswer(Frame answer)
    {
        using JsonDocument json = JsonDocument.Parse(answer.Content);
        return (json.RootElement.GetProperty("sha256").GetString()!, json.RootElement.GetProperty("length").GetInt64());
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _stop.CancelAsync();
        await _run.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        using Socket socket = await _listener.AcceptSocketAsync();
        await using var stream = new NetworkStream(socket);
        try
        {
            long contentLength = await ReadHeaderAsync(stream);
            _headerRead.TrySetResult();
            switch (_behaviour)
            {
                case Behaviour.Hash:
                    await HashAndAnswerAsync(stream, contentLength);
                    break;
                case Behaviour.RejectAfterHeader:
                    await WriteAsync(stream, w => FrameErrors.Write(w, FrameErrors.BadRequest, "no such thing"));
                    socket.Shutdown(SocketShutdown.Send);
                    await DrainAsync(stream);
                    break;
                case Behaviour.StallAfterHeader:
                    // Until the test ends: the client's writes fill the socket buffers, then wait.
                    await Task.Delay(Timeout.Infinite, _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                    break;
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or TimeoutException)
        {
            // The client reset or closed the connection: what some tests want.
        }
        finally
        {
            _closed.TrySetResult();
        }
    }

    private async Task<long> ReadHeaderAsync(NetworkStream stream)
    {
        byte[] protoheader = new byte[2];
        await ReadKeptAsync(stream, protoheader);
        byte[] header = new byte[BinaryPrimitives.ReadUInt16BigEndian(protoheader)];
        await ReadKeptAsync(stream, header);
        using JsonDocument json = JsonDocument.Parse(header);
        return json.RootElement.GetProperty("content-length").GetInt64();
    }

    private async Task HashAndAnswerAsync(NetworkStream stream, long contentLength)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = new byte[64 * 1024];
        for (long left = contentLength; left > 0;)
        {
            int read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(left, buffer.Length)));
            if (read == 0)
            {
                return;
            }

            Keep(buffer.AsSpan(0, read));
            hash.AppendData(buffer, 0, read);
            left -= read;
        }

        string answer = $$"""{"sha256": "{{Convert.ToHexStringLower(hash.GetHashAndReset())}}", "length": {{contentLength}}}""";
        await WriteAsync(stream, w => FrameWriter.Write(w, FrameHeader.Json(Encoding.UTF8.GetByteCount(answer)), Encoding.UTF8.GetBytes(answer)));
        await DrainAsync(stream);
    }

    private async Task ReadKeptAsync(NetworkStream stream, byte[] into)
    {
        await stream.ReadExactlyAsync(into);
        Keep(into);
    }

    private void Keep(ReadOnlySpan<byte> bytes)
    {
        int room = _keep - (int)_kept.Length;
        if (room > 0)
        {
            _kept.Write(bytes[..Math.Min(room, bytes.Length)]);
        }
    }

    private static async Task WriteAsync(NetworkStream stream, Action<ArrayBufferWriter<byte>> write)
    {
        var bytes = new ArrayBufferWriter<byte>();
        write(bytes);
        await stream.WriteAsync(bytes.WrittenMemory);
    }

    // Reads until the client closes, so that nothing it sends resets the connection before it read the answer.
    private static async Task DrainAsync(NetworkStream stream)
    {
        byte[] buffer = new byte[64 * 1024];
        while (await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromMinutes(1)) > 0)
        {
        }
    }
}
