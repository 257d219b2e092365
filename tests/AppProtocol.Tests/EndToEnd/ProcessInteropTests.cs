using System.Text.RegularExpressions;
using AppProtocol.Tests.Client;

namespace AppProtocol.Tests.EndToEnd;

/// <summary>The built programs against each other, and the Python reference client against the built app-server and app-server-kestrel.</summary>
public sealed partial class ProcessInteropTests
{
    public static TheoryData<string, string, string> Cases() => new()
    {
        { "search", "morpheus", "Got result: Follow the white rabbit. 🐰" },
        { "search", "ring", "Got result: In the caves beneath the Misty Mountains. 💍" },
        { "search", "🐶", "Got result: 🐾 Playing ball! 🏐" },
        { "search", "nope", "Got result: No match for 'nope'." },
        { "find", "x", "Got response: b'First 10 bytes of request: findx'" },
        { "foo", "bar", "Got response: b'First 10 bytes of request: foobar'" },
        { "binaryaction", "0123456789abc", "Got response: b'First 10 bytes of request: binaryacti'" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task App_client_against_app_server(string action, string value, string expected)
    {
        await using ChildProcess server = ChildProcess.StartDotnet(TestPaths.Sample("AppServer", "app-server"), "127.0.0.1", "0");
        string port = Port(await server.ReadFirstLineAsync());

        await using ChildProcess client = await ChildProcess.RunAsync(ChildProcess.StartDotnet(TestPaths.Sample("AppClient", "app-client"), "127.0.0.1", port, action, value));

        Assert.Equal(0, client.ExitCode);
        Assert.Contains(expected, client.StandardOutput.Split('\n'));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Python_reference_client_against_app_server(string action, string value, string expected)
    {
        await using ChildProcess server = ChildProcess.StartDotnet(TestPaths.Sample("AppServer", "app-server"), "127.0.0.1", "0");
        string port = Port(await server.ReadFirstLineAsync());

        await using ChildProcess client = await ChildProcess.RunAsync(ChildProcess.StartPython(TestPaths.Reference("app-client.py"), "127.0.0.1", port, action, value));

        Assert.Equal(0, client.ExitCode);
        Assert.Contains(expected, client.StandardOutput.Split('\n'));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Python_reference_client_against_app_server_kestrel(string action, string value, string expected)
    {
        await using ChildProcess server = ChildProcess.StartDotnet(TestPaths.Sample("KestrelAppServer", "app-server-kestrel"), "127.0.0.1", "0");
        string port = Port(await server.ReadFirstLineAsync());

        await using ChildProcess client = await ChildProcess.RunAsync(ChildProcess.StartPython(TestPaths.Reference("app-client.py"), "127.0.0.1", port, action, value));

        Assert.Equal(0, client.ExitCode);
        Assert.Contains(expected, client.StandardOutput.Split('\n'));
    }

    private static string Port(string listeningLine)
    {
        Match match = ListeningLine().Match(listeningLine);
        Assert.True(match.Success, listeningLine);
        return match.Groups[1].Value;
    }

    [GeneratedRegex(@"^Listening on \('127\.0\.0\.1', (\d+)\)")]
    private static partial Regex ListeningLine();
}
