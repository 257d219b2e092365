// <readme:framing-api>
using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json.Serialization;
using AppProtocol.Framing;
using AppProtocol.Json;
using AppProtocol.Pipelines;
// </readme:framing-api>

namespace ReadmeSnippets.FramingApi;

/// <summary>The README's "The framing API in brief": frames written to a pipe and read back.</summary>
public static class Snippet
{
    /// <summary>Runs the README's program.</summary>
    /// <returns>The frames it kept: owned copies of the binary frames it read.</returns>
    public static async Task<IReadOnlyList<Frame>> RunAsync()
    {
        // <readme:framing-api>
        var pipe = new Pipe();                                // or a connection's Transport, or PipeReader.Create(stream) and PipeWriter.Create(stream)
        PipeWriter writer = pipe.Writer;
        PipeReader reader = pipe.Reader;

        // Write: straight into the pipe's buffers, then flush.
        await writer.WriteJsonFrameAsync(new Search("search", "morpheus"), FramingJson.Default.Search);
        await writer.WriteFrameAsync(Frame.Binary("binary/custom-client-binary-type", "foobar"u8.ToArray()));
        await writer.CompleteAsync();

        // Read: frame after frame, for data arriving in any chunking.
        var kept = new List<Frame>();
        var frames = new FrameReader(reader);                 // optional FrameLimits
        while (await frames.ReadFrameAsync() is Frame frame)  // null at the end of the data
        {
            if (frame.Header.IsJson)
            {
                Search? search = JsonFrameReader.Read(frame, FramingJson.Default.Search);
                Console.WriteLine($"{search?.Action}: {search?.Value}");
            }
            else
            {
                ReadOnlySequence<byte> content = frame.Content; // a slice of the pipe: valid until the next read
                Console.WriteLine($"{frame.Header.ContentType}: {content.Length} bytes");
                kept.Add(frame.Clone());                        // an owned copy, to keep longer
            }
        }
        // A frame that breaks the protocol throws ProtocolException, whose Error says why (ProtocolError).
        // </readme:framing-api>
        return kept;
    }
}

// <readme:framing-api>
record Search(string Action, string Value);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]   // {"action": "search", "value": "morpheus"}
[JsonSerializable(typeof(Search))]
partial class FramingJson : JsonSerializerContext;
// </readme:framing-api>
