using AppProtocol.Client;
using AppProtocol.Framing;
using AppProtocol.Samples;

namespace AppProtocol.Tests.Client;

/// <summary>
/// Shows a client that its server keeps connections open: until a connection has carried two answers, a
/// <see cref="FrameClient"/> sends one request at a time; after this, concurrent requests are pipelined. The server's
/// side answers with <c>peer.EchoFramesAsync(KeepAlive.Exchanges)</c>.
/// </summary>
internal static class KeepAlive
{
    /// <summary>The exchanges <see cref="WarmUpAsync"/> makes.</summary>
    public const int Exchanges = 2;

    public static async Task WarmUpAsync(FrameClient client)
    {
        for (int i = 0; i < Exchanges; i++)
        {
            await client.SendAsync(Frame.Binary(SampleContentTypes.ClientBinary, "warm-up"u8.ToArray())).AsTask().WaitAsync(ChildProcess.Timeout);
        }
    }
}
