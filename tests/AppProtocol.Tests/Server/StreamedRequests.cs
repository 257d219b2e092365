using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using AppProtocol.Framing;
using AppProtocol.Samples;
using AppProtocol.Server;

namespace AppProtocol.Tests.Server;

/// <summary>Requests and handlers for the streamed-content tests.</summary>
internal static class StreamedRequests
{
    public static byte[] RandomBytes(int length)
    {
        byte[] bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }

    /// <summary>The frame's bytes up to its content: what a client sends before the content.</summary>
    public static byte[] HeaderOf(long contentLength)
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteHeader(output, FrameHeader.Binary(SampleContentTypes.ClientBinary, contentLength));
        return output.WrittenSpan.ToArray();
    }

    /// <summary>A server whose requests over <paramref name="threshold"/> bytes are streamed.</summary>
    public static Task<InMemoryServer> StartAsync(FrameHandler handler, long threshold = 1024, Action<FrameServerBuilder>? configure = null) =>
        InMemoryServer.StartAsync(handler, b =>
        {
            b.Options.RequestStreamingThreshold = threshold;
            configure?.Invoke(b);
        });

    /// <summary>Answers with "streamed:" or "buffered:", the content's length and its SHA-256, read through <see cref="FrameExchange.RequestContentStream"/>.</summary>
    public static async ValueTask HashHandler(FrameExchange exchange, CancellationToken cancellationToken)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = new byte[8192];
        long length = 0;
        int read;
        // Disposed each time: the connection's one stream must still serve its next request.
        await using Stream content = exchange.RequestContentStream;
        while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
        {
            sha.AppendData(buffer, 0, read);
            length += read;
        }

        string answer = $"{(exchange.IsRequestContentStreamed ? "streamed" : "buffered")}:{length}:{Convert.ToHexString(sha.GetHashAndReset())}";
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(answer);
        exchange.Respond(FrameHeader.Binary("binary/hash", bytes.Length), bytes);
    }

    public static string Expected(bool streamed, byte[] content) =>
        $"{(streamed ? "streamed" : "buffered")}:{content.Length}:{Convert.ToHexString(SHA256.HashData(content))}";

    /// <summary>Reads everything the pipe gives until it completes, as a handler reading the raw <see cref="PipeReader"/> would.</summary>
    public static async Task<long> CountAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        long total = 0;
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken);
            total += result.Buffer.Length;
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return total;
            }
        }
    }
}
