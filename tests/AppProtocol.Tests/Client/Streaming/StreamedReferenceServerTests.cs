using System.Text;
using AppProtocol.Client;
using AppProtocol.Framing;

namespace AppProtocol.Tests.Client.Streaming;

/// <summary>The wire stays the same: the Python reference server decodes a streamed request of several MiB, and its answer reads as a stream.</summary>
public sealed class StreamedReferenceServerTests(PythonReferenceServerFixture server) : IClassFixture<PythonReferenceServerFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_reference_server_decodes_a_streamed_request_of_several_MiB()
    {
        const int length = 6 * 1024 * 1024;
        await using var client = new FrameClient(new FrameClientOptions { Host = "127.0.0.1", Port = server.Port });
        byte[] first = new byte[10];
        new GeneratedContent(length).ReadExactly(first);

        await using FrameResponseStream answer = await client.SendForResponseStreamAsync(
            FrameHeader.Binary("binary/custom-client-binary-type", length), new GeneratedContent(length)).WaitAsync(Patience);
        byte[] content = new byte[answer.ContentLength];
        await answer.ReadExactlyAsync(content).AsTask().WaitAsync(Patience);

        Assert.Equal("binary/custom-server-binary-type", answer.Header.ContentType);
        Assert.Equal([.. Encoding.ASCII.GetBytes("First 10 bytes of request: "), .. first], content);
    }
}
