using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using AppProtocol.Tests.Server;

namespace AppProtocol.Tests.Client.Streaming;

/// <summary>The built file-client program: files up and down byte for byte (SHA-256 of both ends), its lines, its refusals and exit codes.</summary>
public sealed class FileClientProcessTests : IDisposable
{
    private static readonly string FileClient = TestPaths.Sample("FileTransfer/FileClient", "file-client");

    private readonly string _served = Directory.CreateTempSubdirectory("file-client-served-").FullName;
    private readonly string _local = Directory.CreateTempSubdirectory("file-client-local-").FullName;

    [Fact]
    public async Task A_file_goes_up_and_comes_back_byte_for_byte_with_progress_lines()
    {
        string original = WriteFile("data.bin", 5 * 1024 * 1024 + 3);
        await using TestServer server = await StartAsync();

        await using ChildProcess upload = await RunAsync(server, "upload", original);
        string copy = Path.Combine(_local, "copy.bin");
        await using ChildProcess download = await RunAsync(server, "download", "data.bin", copy);

        Assert.True(upload.ExitCode == 0, $"exit {upload.ExitCode}: {upload.StandardError}");
        Assert.True(download.ExitCode == 0, $"exit {download.ExitCode}: {download.StandardError}");
        Assert.Equal(Hash(original), Hash(Path.Combine(_served, "data.bin")));
        Assert.Equal(Hash(original), Hash(copy));
        string[] sent = Lines(upload);
        Assert.Equal($"Uploading 'data.bin' (5242883 bytes) to ('127.0.0.1', {Port(server)})", sent[0]);
        Assert.Equal(10, sent.Count(l => l.StartsWith("Sent ", StringComparison.Ordinal)));
        Assert.StartsWith("Sent 100% (5242883 of 5242883 bytes, ", sent[^2]);
        Assert.Equal($"Stored 'data.bin' (5242883 bytes) on ('127.0.0.1', {Port(server)})", sent[^1]);
        Assert.Equal($"Saved 'data.bin' (5242883 bytes) to {copy}", Lines(download)[^1]);
        Assert.Equal(new[] { "copy.bin", "data.bin" }, Directory.GetFiles(_local).Select(p => Path.GetFileName(p)).Order().ToArray());
    }

    [Fact]
    public async Task An_existing_name_is_replaced_only_when_asked()
    {
        string first = WriteFile("same.bin", 1000);
        await using TestServer server = await StartAsync();
        await using ChildProcess stored = await RunAsync(server, "upload", first);
        Assert.True(stored.ExitCode == 0, $"exit {stored.ExitCode}: {stored.StandardError}");
        string second = WriteFile("same.bin", 2000);

        await using ChildProcess refused = await RunAsync(server, "upload", second);
        Assert.True(refused.ExitCode == 5, $"exit {refused.ExitCode}: {refused.StandardError}");
        Assert.Contains("rejected the request (bad-request): 'same.bin' exists", refused.StandardError, StringComparison.Ordinal);
        Assert.Equal(1000, new FileInfo(Path.Combine(_served, "same.bin")).Length);

        await using ChildProcess replaced = await RunAsync(server, "upload", second, "--overwrite");
        Assert.True(replaced.ExitCode == 0, $"exit {replaced.ExitCode}: {replaced.StandardError}");
        Assert.Equal(Hash(second), Hash(Path.Combine(_served, "same.bin")));
    }

    [Fact]
    public async Task A_missing_file_on_the_server_is_a_refusal_and_leaves_nothing_behind()
    {
        await using TestServer server = await StartAsync();

        await using ChildProcess download = await RunAsync(server, "download", "nothing.bin", Path.Combine(_local, "nothing.bin"));

        Assert.True(download.ExitCode == 5, $"exit {download.ExitCode}: {download.StandardError}");
        Assert.Contains("No file 'nothing.bin'", download.StandardError, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_local));
    }

    [Fact]
    public async Task A_local_file_is_not_overwritten_unless_asked()
    {
        WriteFile("there.bin", 10);
        string target = WriteFile("target.bin", 5);
        await using TestServer server = await StartAsync();
        File.Copy(Path.Combine(_local, "there.bin"), Path.Combine(_served, "there.bin"));

        await using ChildProcess kept = await RunAsync(server, "download", "there.bin", target);
        Assert.True(kept.ExitCode == 1, $"exit {kept.ExitCode}: {kept.StandardError}");
        Assert.Contains("exists; add --overwrite", kept.StandardError, StringComparison.Ordinal);
        Assert.Equal(5, new FileInfo(target).Length);

        await using ChildProcess replaced = await RunAsync(server, "download", "there.bin", target, "--overwrite");
        Assert.True(replaced.ExitCode == 0, $"exit {replaced.ExitCode}: {replaced.StandardError}");
        Assert.Equal(10, new FileInfo(target).Length);
    }

    [Theory]
    [InlineData]
    [InlineData("127.0.0.1", "5000", "upload")]
    [InlineData("127.0.0.1", "5000", "download", "a.bin")]
    [InlineData("127.0.0.1", "5000", "move", "a.bin", "b.bin")]
    public async Task Wrong_arguments_print_the_usage_and_exit_1(params string[] args)
    {
        await using ChildProcess client = await ChildProcess.RunAsync(ChildProcess.StartDotnet(FileClient, args));

        Assert.True(client.ExitCode == 1, $"exit {client.ExitCode}: {client.StandardError}");
        Assert.StartsWith("Usage: file-client <host> <port> upload <path> [--overwrite]", client.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_port_a_missing_local_file_and_an_unreachable_server_each_say_why()
    {
        await using ChildProcess port = await ChildProcess.RunAsync(ChildProcess.StartDotnet(FileClient, "127.0.0.1", "http", "upload", "a.bin"));
        await using ChildProcess missing = await ChildProcess.RunAsync(ChildProcess.StartDotnet(FileClient, "127.0.0.1", "5000", "upload", Path.Combine(_local, "none.bin")));
        await using ChildProcess unreachable = await ChildProcess.RunAsync(ChildProcess.StartDotnet(FileClient, "127.0.0.1", FreePort().ToString(), "upload", WriteFile("a.bin", 10)));

        Assert.Equal((1, "Error: invalid port 'http'.\n"), (port.ExitCode, port.StandardError));
        Assert.True(missing.ExitCode == 1, $"exit {missing.ExitCode}: {missing.StandardError}");
        Assert.Contains("none.bin", missing.StandardError, StringComparison.Ordinal);
        Assert.True(unreachable.ExitCode == 2, $"exit {unreachable.ExitCode}: {unreachable.StandardError}");
        Assert.Contains("Could not connect to 127.0.0.1 port", unreachable.StandardError, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Directory.Delete(_served, recursive: true);
        Directory.Delete(_local, recursive: true);
    }

    private static string[] Lines(ChildProcess process) => process.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static int Port(TestServer server) => StreamingTestData.Port(server);

    private static string Hash(string path)
    {
        using FileStream file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Task<ChildProcess> RunAsync(TestServer server, params string[] args) =>
        ChildProcess.RunAsync(ChildProcess.StartDotnet(FileClient, ["127.0.0.1", Port(server).ToString(), .. args]));

    private Task<TestServer> StartAsync() => TestServer.StartAsync(new FileShapeHandler(_served).HandleAsync);

    private string WriteFile(string name, int length)
    {
        string path = Path.Combine(_local, name);
        using (var content = new GeneratedContent(length, endsAt: length))
        using (FileStream file = File.Create(path))
        {
            content.CopyTo(file);
        }

        // Different lengths give different files; the same length, the same bytes.
        return path;
    }
}
