using System.Globalization;
using AppProtocol.Framing;
using AppProtocol.Samples;
using AppProtocol.Tests.Client;

namespace AppProtocol.Tests.Server;

/// <summary>Streamed content against a Python peer built on the reference's encoder: the wire is the same whichever path a frame takes.</summary>
public sealed class StreamedInteropTests
{
    [Theory]
    [InlineData(3 * 1024 * 1024 + 1, true)]
    [InlineData(12 * 1024 * 1024, true)]
    [InlineData(3 * 1024 * 1024 + 1, false)]
    public async Task A_python_peer_gets_its_several_MiB_echoed_as_the_reference_would_encode_it(int length, bool streamed)
    {
        // Streamed in (or buffered in), streamed out: RespondAsync reads the request's content as it writes the answer.
        await using TestServer server = await TestServer.StartAsync(
            (exchange, ct) =>
            {
                Assert.Equal(streamed, exchange.IsRequestContentStreamed);
                return exchange.RespondAsync(FrameHeader.Binary(SampleContentTypes.ServerBinary, exchange.RequestHeader.ContentLength), exchange.RequestContentStream, ct);
            },
            o => o.RequestStreamingThreshold = streamed ? 64 * 1024 : null);

        await using ChildProcess peer = await ChildProcess.RunAsync(ChildProcess.StartPython(
            TestPaths.Reference("stream_peer.py"), "127.0.0.1", ((System.Net.IPEndPoint)server.EndPoint).Port.ToString(CultureInfo.InvariantCulture), length.ToString(CultureInfo.InvariantCulture), SampleContentTypes.ServerBinary));

        Assert.True(peer.ExitCode == 0, peer.StandardOutput + peer.StandardError);
        Assert.Equal($"ok echo {length} bytes\n", peer.StandardOutput);
    }
}
