using System.Text.Json;
using AppProtocol.Client;
using AppProtocol.Framing;

namespace AppProtocol.Samples.FileClient;

/// <summary>An upload from a file and a download into one, each streamed: the file is never in memory.</summary>
internal sealed class Transfers(FrameClient client, TransferDisplay display, string address)
{
    // The client's reads and writes are at most this large; the file streams have no buffer of their own.
    private const int ChunkSize = 256 * 1024;

    /// <summary>Sends the file under its own name; the server's answer must confirm its length.</summary>
    public async Task<int> UploadAsync(string path, bool overwrite)
    {
        string name = Path.GetFileName(path);
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        long length = file.Length;
        FrameHeader header = FrameHeader.Binary(HeaderMembers.ContentType, length) with { ExtraMembers = HeaderMembers.For("upload", name, overwrite) };
        Console.WriteLine($"Uploading '{name}' ({length} bytes) to {address}");
        Frame answer = await display.RunAsync("Sent", length, progress => client.SendAsync(header, file, progress));

        long stored = StoredLength(answer);
        if (stored != length)
        {
            Console.Error.WriteLine($"Error: the server stored {stored} bytes of the {length} sent.");
            return 3;
        }

        Console.WriteLine($"Stored '{name}' ({length} bytes) on {address}");
        return 0;
    }

    /// <summary>Receives the file into a temporary file beside <paramref name="path"/>, renamed to it once whole.</summary>
    public async Task<int> DownloadAsync(string name, string path, bool overwrite)
    {
        if (File.Exists(path) && !overwrite)
        {
            Console.Error.WriteLine($"Error: '{path}' exists; add --overwrite to replace it.");
            return 1;
        }

        var request = new Frame(FrameHeader.Binary(HeaderMembers.ContentType, 0) with { ExtraMembers = HeaderMembers.For("download", name, overwrite: false) }, ReadOnlyMemory<byte>.Empty);
        Console.WriteLine($"Downloading '{name}' from {address}");
        await using FrameResponseStream response = await client.SendForResponseStreamAsync(request);
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string partial = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.part");
        try
        {
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.Asynchronous))
            {
                await display.RunAsync("Received", response.ContentLength, progress => CopyAsync(response, file, progress));
            }

            File.Move(partial, path, overwrite);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }

        Console.WriteLine($"Saved '{name}' ({response.ContentLength} bytes) to {path}");
        return 0;
    }

    // Two buffers: the next chunk is received while the last one is written, so the socket and the disk work at
    // once rather than in turns (the file's writes run on the thread pool).
    private static async Task<long> CopyAsync(FrameResponseStream response, FileStream file, IProgress<long> progress)
    {
        byte[] receiving = new byte[ChunkSize], writing = new byte[ChunkSize];
        ValueTask written = ValueTask.CompletedTask;
        long copied = 0;
        for (int read; (read = await response.ReadAsync(receiving)) > 0;)
        {
            await written;
            (receiving, writing) = (writing, receiving);
            written = file.WriteAsync(writing.AsMemory(0, read));
            copied += read;
            progress.Report(copied);
        }

        await written;
        return copied;
    }

    // The answer to an upload: {"result": "stored", "name": "...", "length": N}.
    private static long StoredLength(in Frame answer)
    {
        using JsonDocument json = JsonDocument.Parse(answer.Content);
        return json.RootElement.TryGetProperty("length", out JsonElement length) && length.TryGetInt64(out long value) ? value : -1;
    }
}
