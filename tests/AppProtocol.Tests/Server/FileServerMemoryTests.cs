using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using AppProtocol.Framing;

namespace AppProtocol.Tests.Server;

/// <summary>A few hundred MiB through the file-server process both ways: the same bytes, in bounded time, and its memory stays flat.</summary>
public sealed class FileServerMemoryTests : IDisposable
{
    private const int Chunk = 1024 * 1024;
    private const int Chunks = 256;

    // The server idles at about 37 MiB and peaked at 64 MiB for 1 and 4 GiB (docs/RELIABILITY.md §12); buffering the
    // file would take 256 MiB more.
    private const long PeakBound = 100L * 1024 * 1024;

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("file-server-memory-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task Uploading_and_downloading_256_MiB_keeps_the_server_under_100_MiB()
    {
        byte[] chunk = StreamedRequests.RandomBytes(Chunk);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using SampleServerProcess server = await SampleServerProcess.StartAsync("file-server", "127.0.0.1", "0", _root.FullName);
        using var socket = new Socket(System.Net.Sockets.SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.EndPoint, timeout.Token);
        await using var stream = new NetworkStream(socket);

        await stream.WriteAsync(Header("upload", (long)Chunk * Chunks), timeout.Token);
        using var sent = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (int i = 0; i < Chunks; i++)
        {
            await stream.WriteAsync(chunk, timeout.Token);
            sent.AppendData(chunk);
        }

        (FrameHeader stored, byte[] storedHash) = await ReadAnswerAsync(stream, timeout.Token);
        Assert.False(FrameErrors.TryGetError(stored, out _, out string? error), error);
        await stream.WriteAsync(Header("download", 0), timeout.Token);
        (FrameHeader downloaded, byte[] downloadedHash) = await ReadAnswerAsync(stream, timeout.Token);

        Assert.Equal((long)Chunk * Chunks, downloaded.ContentLength);
        Assert.Equal(sent.GetHashAndReset(), downloadedHash);
        Assert.NotEmpty(storedHash);
        long peak = server.PeakResidentBytes();
        Assert.True(peak < PeakBound, $"The server's peak resident memory was {peak:N0} bytes.");
    }

    private static byte[] Header(string action, long length)
    {
        var members = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
        {
            ["action"] = JsonElement.Parse($"\"{action}\""),
            ["name"] = JsonElement.Parse("\"big.bin\""),
        };
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        FrameWriter.WriteHeader(output, FrameHeader.Binary("binary/octet-stream", length) with { ExtraMembers = members });
        return output.WrittenSpan.ToArray();
    }

    // The answer's header, and its content hashed as it arrives (never held whole).
    private static async Task<(FrameHeader Header, byte[] Hash)> ReadAnswerAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        byte[] protoheader = new byte[2];
        await stream.ReadExactlyAsync(protoheader, cancellationToken);
        byte[] json = new byte[BinaryPrimitives.ReadUInt16BigEndian(protoheader)];
        await stream.ReadExactlyAsync(json, cancellationToken);
        byte[] frameStart = [.. protoheader, .. json];
        Assert.True(new FrameParser(new FrameLimits { MaxContentLength = FrameLimits.MaxSupportedContentLength })
            .TryParseHeader(new System.Buffers.ReadOnlySequence<byte>(frameStart), out FrameHeader header, out _, out _));

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = new byte[Chunk];
        for (long left = header.ContentLength; left > 0;)
        {
            int read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(left, buffer.Length)), cancellationToken);
            Assert.True(read > 0, "The server closed inside the answer.");
            hash.AppendData(buffer, 0, read);
            left -= read;
        }

        return (header, hash.GetHashAndReset());
    }
}
