using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using AppProtocol.Framing;
using AppProtocol.Pipelines;
using AppProtocol.Tests.Support;

namespace AppProtocol.Tests.Framing;

/// <summary>Encode then decode is the identity, for random frames delivered in random chunks (fixed seeds, so failures reproduce).</summary>
public class RoundTripPropertyTests
{
    private const string NameAlphabet = "abcxyz-_ \"\\\n\u00e9\u4e2d\U0001F436";

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 40)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Random_frames_in_random_chunks_round_trip(int seed)
    {
        var random = new Random(seed);
        Frame[] frames = [.. Enumerable.Range(0, random.Next(1, 6)).Select(_ => RandomFrame(random))];
        var encoded = new ArrayBufferWriter<byte>();
        foreach (Frame frame in frames)
        {
            FrameWriter.Write(encoded, frame);
        }

        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var reader = new FrameReader(pipe.Reader);
        Task feed = FeedInRandomChunks(pipe.Writer, encoded.WrittenMemory, random);

        foreach (Frame expected in frames)
        {
            Frame? actual = await reader.ReadFrameAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.NotNull(actual);
            FrameAssert.Equal(expected, actual.Value);
        }

        Assert.Null(await reader.ReadFrameAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        await feed;
    }

    private static async Task FeedInRandomChunks(PipeWriter writer, ReadOnlyMemory<byte> bytes, Random random)
    {
        while (!bytes.IsEmpty)
        {
            // Mostly small chunks, sometimes large ones, so that splits land everywhere in headers and content.
            int size = random.Next(4) == 0 ? random.Next(1, 256 * 1024) : random.Next(1, 64);
            size = Math.Min(size, bytes.Length);
            await writer.WriteAsync(bytes[..size]);
            bytes = bytes[size..];
        }

        await writer.CompleteAsync();
    }

    private static Frame RandomFrame(Random random)
    {
        int length = random.Next(10) switch
        {
            0 => 0,
            1 => random.Next(1, 4 * 1024 * 1024),
            _ => random.Next(0, 2048),
        };

        byte[] content = new byte[length];
        random.NextBytes(content);
        string contentType = random.Next(3) == 0 ? ContentTypes.Json : RandomText(random, 1, 40);
        var header = new FrameHeader(contentType, RandomText(random, 0, 12), length)
        {
            ByteOrder = random.Next(2) == 0 ? FrameByteOrder.Little : FrameByteOrder.Big,
            ExtraMembers = random.Next(2) == 0 ? null : RandomExtras(random),
        };

        return new Frame(header, content);
    }

    private static Dictionary<string, JsonElement> RandomExtras(Random random)
    {
        var extras = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        int count = random.Next(1, 6);
        while (extras.Count < count)
        {
            string name = RandomText(random, 0, 10);
            if (name is "byteorder" or "content-length" or "content-type" or "content-encoding")
            {
                continue;
            }

            extras[name] = random.Next(4) switch
            {
                0 => JsonSerializer.SerializeToElement(RandomText(random, 0, 20)),
                1 => JsonSerializer.SerializeToElement(random.NextInt64(long.MinValue, long.MaxValue)),
                2 => JsonDocument.Parse("""{"nested": [1, 2.5, null, true, {"deep": "\u00e9"}]}""").RootElement.Clone(),
                _ => JsonSerializer.SerializeToElement(random.NextDouble()),
            };
        }

        return extras;
    }

    private static string RandomText(Random random, int min, int max)
    {
        var text = new System.Text.StringBuilder();
        int runes = random.Next(min, max + 1);
        var elements = System.Globalization.StringInfo.GetTextElementEnumerator(NameAlphabet);
        var alphabet = new List<string>();
        while (elements.MoveNext())
        {
            alphabet.Add(elements.GetTextElement());
        }

        for (int i = 0; i < runes; i++)
        {
            text.Append(alphabet[random.Next(alphabet.Count)]);
        }

        return text.ToString();
    }
}
