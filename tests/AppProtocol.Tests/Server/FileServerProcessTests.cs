using System.Buffers;
using System.Text.Json;
using AppProtocol.Framing;
using AppProtocol.Tests.Client;
using static AppProtocol.Tests.Server.StreamedRequests;

namespace AppProtocol.Tests.Server;

/// <summary>The file-server sample as a process on loopback: uploads streamed to their file, downloads, and the names it refuses.</summary>
public sealed class FileServerProcessTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("file-server-test-");

    private string Served => Path.Combine(_root.FullName, "served");

    public FileServerProcessTests() => Directory.CreateDirectory(Served);

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task An_upload_is_stored_byte_for_byte_and_downloads_the_same()
    {
        byte[] content = RandomBytes(5 * 1024 * 1024 + 3);
        await using SampleServerProcess server = await StartAsync();
        await using RawClient client = await RawClient.ConnectAsync(server.EndPoint);

        Frame stored = await client.ExchangeAsync(Request("upload", "data.bin", content));
        Frame downloaded = await client.ExchangeAsync(Request("download", "data.bin", []));

        Assert.Null(Requests.Error(stored));
        using (JsonDocument answer = JsonDocument.Parse(stored.Content.ToArray()))
        {
            Assert.Equal("stored", answer.RootElement.GetProperty("result").GetString());
            Assert.Equal(content.Length, answer.RootElement.GetProperty("length").GetInt64());
        }

        Assert.True(content.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(Served, "data.bin"))));
        Assert.Equal("binary/octet-stream", downloaded.Header.ContentType);
        Assert.True(content.AsSpan().SequenceEqual(downloaded.Content.ToArray()));
        Assert.Equal(["data.bin"], Directory.GetFiles(Served).Select(Path.GetFileName));
        await server.WaitForLineAsync(line => line.StartsWith($"Stored 'data.bin' ({content.Length} bytes) from ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("../escape.bin")]
    [InlineData("/tmp/absolute.bin")]
    [InlineData("sub/dir.bin")]
    [InlineData("..")]
    [InlineData(".hidden")]
    [InlineData("back\\slash")]
    [InlineData("")]
    public async Task A_name_that_is_not_a_plain_file_name_is_refused_and_nothing_is_written(string name)
    {
        await using SampleServerProcess server = await StartAsync();
        await using RawClient client = await RawClient.ConnectAsync(server.EndPoint);

        Assert.Equal(FrameErrors.BadRequest, Requests.Error(await client.ExchangeAsync(Request("upload", name, RandomBytes(200_000)))));
        Assert.Equal(FrameErrors.BadRequest, Requests.Error(await client.ExchangeAsync(Request("download", name, []))));

        // The connection goes on (the refused content was drained), and nothing was written anywhere.
        Assert.Equal(FrameErrors.BadRequest, Requests.Error(await client.ExchangeAsync(Request("download", "missing.bin", []))));
        Assert.Empty(Directory.GetFileSystemEntries(Served));
        Assert.Equal([Served], Directory.GetFileSystemEntries(_root.FullName));
    }

    [Fact]
    public async Task An_existing_file_is_replaced_only_when_asked()
    {
        byte[] first = RandomBytes(100_000);
        byte[] second = RandomBytes(300_000);
        await using SampleServerProcess server = await StartAsync();
        await using RawClient client = await RawClient.ConnectAsync(server.EndPoint);

        Assert.Null(Requests.Error(await client.ExchangeAsync(Request("upload", "f.bin", first))));
        Frame refused = await client.ExchangeAsync(Request("upload", "f.bin", second));
        Assert.Equal(FrameErrors.BadRequest, Requests.Error(refused));
        Assert.True(FrameErrors.TryGetError(refused.Header, out _, out string? message));
        Assert.Contains("\"overwrite\": true", message, StringComparison.Ordinal);
        Assert.True(first.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(Served, "f.bin"))));

        Assert.Null(Requests.Error(await client.ExchangeAsync(Request("upload", "f.bin", second, overwrite: true))));
        Assert.True(second.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(Served, "f.bin"))));
    }

    [Fact]
    public async Task An_upload_cut_short_stores_nothing_and_leaves_no_temporary_file()
    {
        byte[] frame = Request("upload", "cut.bin", RandomBytes(1024 * 1024));
        await using SampleServerProcess server = await StartAsync();
        await using (RawClient client = await RawClient.ConnectAsync(server.EndPoint))
        {
            await client.SendAsync(frame.AsMemory(0, frame.Length / 2));
            client.ShutdownSend();
            Assert.Equal(FrameErrors.BadRequest, Requests.Error((await client.ReadFrameAsync())!.Value));
            await client.AssertClosedByServerAsync();
        }

        Assert.Empty(Directory.GetFileSystemEntries(Served));
    }

    [Theory]
    [InlineData("127.0.0.1", "0")]
    [InlineData("127.0.0.1", "port", "/tmp")]
    public async Task Wrong_arguments_print_the_usage_and_exit_1(params string[] args)
    {
        await using ChildProcess run = await ChildProcess.RunAsync(ChildProcess.StartDotnet(SampleServerProcess.ProgramPath("file-server"), args));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("Usage: file-server <host> <port> <directory>\n", run.StandardOutput);
    }

    [Fact]
    public async Task A_missing_directory_is_named_and_exits_1()
    {
        string missing = Path.Combine(_root.FullName, "missing");
        await using ChildProcess run = await ChildProcess.RunAsync(ChildProcess.StartDotnet(SampleServerProcess.ProgramPath("file-server"), "127.0.0.1", "0", missing));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"No such directory: '{missing}'.\n", run.StandardOutput);
    }

    private Task<SampleServerProcess> StartAsync() => SampleServerProcess.StartAsync("file-server", "127.0.0.1", "0", Served);

    /// <summary>A request as the README describes it: the action and name in the header, the file as the content.</summary>
    private static byte[] Request(string action, string name, byte[] content, bool overwrite = false)
    {
        var members = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
        {
            ["action"] = JsonSerializer.SerializeToElement(action, Support.TestJsonContext.Default.String),
            ["name"] = JsonSerializer.SerializeToElement(name, Support.TestJsonContext.Default.String),
        };
        if (overwrite)
        {
            members["overwrite"] = JsonElement.Parse("true");
        }

        var output = new ArrayBufferWriter<byte>();
        FrameWriter.Write(output, FrameHeader.Binary("binary/octet-stream", content.Length) with { ExtraMembers = members }, content);
        return output.WrittenSpan.ToArray();
    }
}
