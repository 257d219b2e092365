using System.Buffers;
using AppProtocol.Framing;
using AppProtocol.Json;
using AppProtocol.Pipelines;
using AppProtocol.Samples;

namespace AppProtocol.Tests.Client;

/// <summary>The Python reference client (tests/reference/app-client.py) against frames written by our Framing layer.</summary>
public sealed class ReferenceClientInteropTests
{
    [Fact]
    public async Task Python_client_decodes_our_json_frame_and_we_decode_its_request()
    {
        var received = new TaskCompletionSource<SearchQuery?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = FakeServer.Tcp(async peer =>
        {
            Frame request = (await peer.ReadFrameAsync())!.Value;
            received.SetResult(JsonFrameReader.Read(request, ReferenceJson.Default.SearchQuery));
            var frame = new ArrayBufferWriter<byte>();
            JsonFrameWriter.Write(frame, new SearchAnswer("Follow the white rabbit. 🐰"), ReferenceJson.Default.SearchAnswer);
            await peer.WriteRawAsync(frame.WrittenSpan.ToArray());
            peer.Close();
        });

        await using ChildProcess client = await ChildProcess.RunAsync(ChildProcess.StartPython(TestPaths.Reference("app-client.py"), "127.0.0.1", server.Port.ToString(), "search", "🐶"));

        Assert.Equal(new SearchQuery("search", "🐶"), await received.Task.WaitAsync(ChildProcess.Timeout));
        Assert.True(client.ExitCode == 0, client.StandardError);
        Assert.Contains("Got result: Follow the white rabbit. 🐰\n", client.StandardOutput);
    }

    [Fact]
    public async Task Python_client_decodes_our_binary_frame_with_extra_header_members_in_a_kept_alive_connection()
    {
        await using var server = FakeServer.Tcp(async peer =>
        {
            Frame request = (await peer.ReadFrameAsync())!.Value;
            byte[] content = [.. "got "u8, .. request.Content.ToArray(), (byte)'\'', 0, 0xff];
            var header = FrameHeader.Binary(SampleContentTypes.ServerBinary, content.Length) with
            {
                ExtraMembers = new Dictionary<string, System.Text.Json.JsonElement> { ["x-note"] = System.Text.Json.JsonDocument.Parse("\"ignored\"").RootElement },
            };
            await peer.Output.WriteFrameAsync(header, content);

            // The reference client closes after its response; our side sees a clean end of stream.
            Assert.Null(await peer.ReadFrameAsync());
        });

        await using ChildProcess client = await ChildProcess.RunAsync(ChildProcess.StartPython(TestPaths.Reference("app-client.py"), "127.0.0.1", server.Port.ToString(), "foo", "bar"));

        Assert.True(client.ExitCode == 0, client.StandardError);
        Assert.Contains("Got response: b\"got foobar'\\x00\\xff\"\n", client.StandardOutput);
    }

    [Fact]
    public async Task Python_peers_reproduce_every_reference_vector_byte_for_byte()
    {
        string vectors = Path.Combine(AppContext.BaseDirectory, "TestData", "vectors.json");

        await using ChildProcess verify = await ChildProcess.RunAsync(ChildProcess.StartPython(TestPaths.Reference("verify_vectors.py"), vectors));

        Assert.True(verify.ExitCode == 0, verify.StandardOutput + verify.StandardError);
        Assert.Equal(14, verify.StandardOutput.Split('\n').Count(line => line.StartsWith("ok ", StringComparison.Ordinal)));
    }
}
