using System.Diagnostics;
using System.Text.Json;
using AppProtocol.Framing;
using AppProtocol.Tests.Support;

namespace AppProtocol.Tests.Server;

/// <summary>
/// The built <c>app-server</c> with <c>--config FILE</c>: the file's <c>AppProtocol</c> section configures the server
/// (listen addresses, TLS certificates, settings); <c>&lt;host&gt; &lt;port&gt;</c> become optional and, given, replace
/// the file's listen addresses; a wrong file fails with the key that is wrong.
/// </summary>
public sealed class AppServerConfigProcessTests(TestCertificateFiles files) : IClassFixture<TestCertificateFiles>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("appprotocol-config-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Serves_the_files_listen_address_and_settings_and_stops_on_SIGTERM()
    {
        string config = Write(new { AppProtocol = new { Listen = new[] { new { Host = "127.0.0.1", Port = 0 } }, CloseAfterResponse = true } });
        await using SampleServerProcess server = await SampleServerProcess.StartAsync("app-server", "--config", config, "--quiet");

        await using (RawClient client = await RawClient.ConnectAsync(server.EndPoint))
        {
            Frame answer = await client.ExchangeAsync(Requests.Search("morpheus"));
            Assert.Equal("Follow the white rabbit. \U0001F430", Requests.Result(answer));
            Assert.Equal("close", answer.Header.ExtraMembers?[ConnectionMember.Name].GetString());
            await client.AssertClosedByServerAsync();
        }

        Assert.Equal(0, await server.TerminateAsync());
    }

    [Fact]
    public async Task Host_and_port_on_the_command_line_replace_the_files_listen_addresses()
    {
        string config = Write(new { AppProtocol = new { Listen = new[] { new { UnixSocketPath = Path.Combine(_folder, "unused.sock") } }, IdleTimeout = "00:01:00" } });
        await using SampleServerProcess server = await SampleServerProcess.StartAsync("app-server", "--config", config, "127.0.0.1", "0");

        await using (RawClient client = await RawClient.ConnectAsync(server.EndPoint))
        {
            Assert.Equal("No match for 'x'.", Requests.Result(await client.ExchangeAsync(Requests.Search("x"))));
        }

        Assert.False(File.Exists(Path.Combine(_folder, "unused.sock")));
        await server.WaitForLineAsync(line => line.StartsWith("Closing connection to ('127.0.0.1', ", StringComparison.Ordinal));
        Assert.Equal(0, await server.TerminateAsync());
        await server.WaitForLineAsync("Caught keyboard interrupt, exiting");
    }

    [Fact]
    public async Task Serves_tls_with_the_certificate_the_file_names()
    {
        string config = Write(new { AppProtocol = new { Listen = new[] { new { Host = "127.0.0.1", Port = 0, Certificate = new { Path = files.ServerPem, KeyPath = files.ServerKey } } } } });
        await using SampleServerProcess server = await SampleServerProcess.StartAsync("app-server", "--config", config, "--quiet");

        await using (RawClient client = await RawClient.ConnectTlsAsync(server.EndPoint, new System.Net.Security.SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            RemoteCertificateValidationCallback = (_, seen, _, _) => seen?.GetCertHashString() == files.Server.GetCertHashString(),
        }))
        {
            Assert.Equal("Follow the white rabbit. \U0001F430", Requests.Result(await client.ExchangeAsync(Requests.Search("morpheus"))));
        }

        Assert.Equal(0, await server.TerminateAsync());
    }

    [Fact]
    public async Task A_wrong_file_prints_every_mistake_with_its_key_and_exits_1()
    {
        string config = Write(new { AppProtocol = new { Listen = new object[] { new { Host = "127.0.0.1", Port = 70000 }, new { Port = 5 } }, IdelTimeout = "00:01:00" } });

        (int exitCode, string output, string errors) = await RunAsync("--config", config);

        Assert.Equal(1, exitCode);
        Assert.Equal("", output);
        Assert.Contains("Invalid configuration:", errors, StringComparison.Ordinal);
        Assert.Contains("AppProtocol:IdelTimeout is not a setting", errors, StringComparison.Ordinal);
        Assert.Contains("AppProtocol:Listen:0:Port '70000' is not valid", errors, StringComparison.Ordinal);
        Assert.Contains("AppProtocol:Listen:1 set either Host (with Port) or UnixSocketPath: neither is set.", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_is_named_and_exits_1()
    {
        string missing = Path.Combine(_folder, "missing.json");

        (int exitCode, _, string errors) = await RunAsync("--config", missing);

        Assert.Equal(1, exitCode);
        Assert.StartsWith($"Cannot read the configuration file '{missing}': ", errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--config")]
    [InlineData("--config", "a.json", "--config", "b.json")]
    [InlineData("--config", "a.json", "127.0.0.1")]
    [InlineData("--config", "a.json", "--tls-cert", "server.pem")]
    public async Task Wrong_config_arguments_print_usage_and_exit_1(params string[] args)
    {
        (int exitCode, string output, _) = await RunAsync(args);

        Assert.Equal("Usage: app-server <host> <port>" + Environment.NewLine, output);
        Assert.Equal(1, exitCode);
    }

    private string Write(object configuration)
    {
        string path = Path.Combine(_folder, $"appsettings-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(configuration));
        return path;
    }

    private static async Task<(int ExitCode, string Output, string Errors)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(SampleServerProcess.ProgramPath("app-server"));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(SampleServerProcess.Patience);
        return (process.ExitCode, await output, await errors);
    }
}
