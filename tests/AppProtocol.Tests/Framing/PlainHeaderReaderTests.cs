using System.Buffers.Binary;
using System.Text;
using AppProtocol.Framing;
using AppProtocol.Tests.Hostile;

namespace AppProtocol.Tests.Framing;

/// <summary>The reader for headers in the reference's layout takes every header the reference wrote, leaves every other to the full JSON reader, and agrees with it wherever it accepts.</summary>
public sealed class PlainHeaderReaderTests
{
    private const int Mutants = 20000;
    private const int Seed = 20261124;

    private static readonly FrameLimits Limits = new();

    [Theory]
    [MemberData(nameof(ReferenceVectors.Names), MemberType = typeof(ReferenceVectors))]
    public void Takes_every_header_the_reference_wrote(string name)
    {
        byte[] frame = ReferenceVectors.Get(name).Bytes;
        byte[] header = frame.AsSpan(2, BinaryPrimitives.ReadUInt16BigEndian(frame)).ToArray();

        Assert.True(TryRead(header, out FrameHeader plain));
        AssertSame(Full(header), plain);
    }

    [Theory]
    [InlineData("""{"byteorder": "big", "content-type": "binary/x", "content-encoding": "binary", "content-length": 0}""")]
    [InlineData("{\"byteorder\": \"little\", \"content-type\": \"caf\u00e9 \ud83d\udc36\", \"content-encoding\": \"\", \"content-length\": 999999}")]
    [InlineData("""{"byteorder": "little", "content-type": "text/json", "content-encoding": "utf-8", "content-length": 16777216}""")]
    [InlineData("""{"byteorder": "little", "content-type": "content-length", "content-encoding": "}", "content-length": 7}""")]
    public void Takes_headers_in_the_reference_layout(string json)
    {
        byte[] header = Encoding.UTF8.GetBytes(json);

        Assert.True(TryRead(header, out FrameHeader plain));
        AssertSame(Full(header), plain);
    }

    [Theory]
    [InlineData("escape in a value", """{"byteorder": "little", "content-type": "text\/json", "content-encoding": "utf-8", "content-length": 1}""")]
    [InlineData("escape in a name", """{"byteorder": "little", "content\u002dtype": "x", "content-encoding": "utf-8", "content-length": 1}""")]
    [InlineData("extra member", """{"byteorder": "little", "content-type": "x", "content-encoding": "utf-8", "content-length": 1, "x": 1}""")]
    [InlineData("duplicate member", """{"byteorder": "little", "content-type": "x", "content-type": "y", "content-length": 1}""")]
    [InlineData("missing member", """{"byteorder": "little", "content-type": "x", "content-length": 1}""")]
    [InlineData("fraction", """{"byteorder": "little", "content-type": "x", "content-encoding": "e", "content-length": 1.0}""")]
    [InlineData("exponent", """{"byteorder": "little", "content-type": "x", "content-encoding": "e", "content-length": 1e2}""")]
    [InlineData("negative", """{"byteorder": "little", "content-type": "x", "content-encoding": "e", "content-length": -1}""")]
    [InlineData("leading zero", """{"byteorder": "little", "content-type": "x", "content-encoding": "e", "content-length": 01}""")]
    [InlineData("19 digits", """{"byteorder": "little", "content-type": "x", "content-encoding": "e", "content-length": 1000000000000000000}""")]
    [InlineData("over the limit", """{"byteorder": "little", "content-type": "x", "content-encoding": "e", "content-length": 16777217}""")]
    [InlineData("length as a string", """{"byteorder": "little", "content-type": "x", "content-encoding": "e", "content-length": "1"}""")]
    [InlineData("unknown byte order", """{"byteorder": "Little", "content-type": "x", "content-encoding": "e", "content-length": 1}""")]
    [InlineData("type not a string", """{"byteorder": "little", "content-type": null, "content-encoding": "e", "content-length": 1}""")]
    [InlineData("control character", "{\"byteorder\": \"little\", \"content-type\": \"a\tb\", \"content-encoding\": \"e\", \"content-length\": 1}")]
    [InlineData("trailing comma", """{"byteorder": "little", "content-type": "x", "content-encoding": "e", "content-length": 1,}""")]
    [InlineData("data after the object", """{"byteorder": "little", "content-type": "x", "content-encoding": "e", "content-length": 1} x""")]
    [InlineData("unterminated", """{"byteorder": "little", "content-type": "x", "content-encoding": "e", "content-length": 1""")]
    [InlineData("unterminated string", """{"byteorder": "little", "content-type": "x""")]
    [InlineData("not an object", """["byteorder"]""")]
    [InlineData("another order", """{"content-length": 1, "byteorder": "little", "content-type": "x", "content-encoding": "e"}""")]
    [InlineData("compact", """{"byteorder":"little","content-type":"x","content-encoding":"e","content-length":1}""")]
    [InlineData("whitespace after", """{"byteorder": "little", "content-type": "x", "content-encoding": "e", "content-length": 1} """)]
    [InlineData("whitespace before", """ {"byteorder": "little", "content-type": "x", "content-encoding": "e", "content-length": 1}""")]
    [InlineData("empty length", """{"byteorder": "little", "content-type": "x", "content-encoding": "e", "content-length": }""")]
    public void Leaves_everything_else_to_the_full_reader(string why, string json)
    {
        Assert.False(TryRead(Encoding.UTF8.GetBytes(json), out _), why);
    }

    [Fact]
    public void Agrees_with_the_full_reader_on_every_hostile_header_case()
    {
        foreach (string name in HeaderCases.Names())
        {
            HostileCase hostile = HeaderCases.Get(name);
            if (hostile.Stream.Length < 2)
            {
                continue;
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(hostile.Stream);
            byte[] header = hostile.Stream.AsSpan(2, Math.Min(length, hostile.Stream.Length - 2)).ToArray();
            RequireAgreement(header, hostile.Limits ?? Limits, name);
        }
    }

    [Fact]
    public void Agrees_with_the_full_reader_on_seeded_mutants_of_plain_headers()
    {
        var random = new Random(Seed);
        byte[][] seeds = [.. ReferenceVectors.Frames.Select(v => v.Bytes.AsSpan(2, BinaryPrimitives.ReadUInt16BigEndian(v.Bytes)).ToArray())];
        byte[] alphabet = "{}[]\":,. \t\n0123456789-+eE\\/utlnbigr\u00e9"u8.ToArray();
        int accepted = 0, declined = 0;
        for (int i = 0; i < Mutants; i++)
        {
            List<byte> header = [.. seeds[i % seeds.Length]];
            for (int edits = random.Next(1, 4); edits > 0 && header.Count > 0; edits--)
            {
                int at = random.Next(header.Count);
                byte b = alphabet[random.Next(alphabet.Length)];
                switch (random.Next(3))
                {
                    case 0: header[at] = b; break;
                    case 1: header.Insert(at, b); break;
                    default: header.RemoveAt(at); break;
                }
            }

            if (RequireAgreement([.. header], Limits, $"seed {Seed}, mutant {i}"))
            {
                accepted++;
            }
            else
            {
                declined++;
            }
        }

        // Worth something only if many mutants land on each side of the line.
        Assert.True(accepted > Mutants / 20 && declined > Mutants / 4, $"{accepted} accepted, {declined} declined.");
    }

    // Whatever the plain reader accepts, the full reader must accept with the same header.
    private static bool RequireAgreement(byte[] header, FrameLimits limits, string what)
    {
        if (header.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) || !System.Text.Unicode.Utf8.IsValid(header)
            || !PlainHeaderReader.TryRead(header, limits.MaxContentLength, out FrameHeader plain))
        {
            return false;
        }

        FrameHeader full;
        try
        {
            full = new HeaderParser(limits).ParseWithJsonReader(header);
        }
        catch (ProtocolException ex)
        {
            Assert.Fail($"{what}: the plain reader accepted what the full reader refuses ({ex.Error}): {Encoding.UTF8.GetString(header)}");
            throw;
        }

        AssertSame(full, plain);
        return true;
    }

    private static bool TryRead(byte[] header, out FrameHeader plain) =>
        PlainHeaderReader.TryRead(header, Limits.MaxContentLength, out plain);

    private static FrameHeader Full(byte[] header) => new HeaderParser(Limits).ParseWithJsonReader(header);

    private static void AssertSame(FrameHeader expected, FrameHeader actual)
    {
        Assert.Equal(expected.ByteOrder, actual.ByteOrder);
        Assert.Equal(expected.ContentLength, actual.ContentLength);
        Assert.Equal(expected.ContentType, actual.ContentType);
        Assert.Equal(expected.ContentEncoding, actual.ContentEncoding);
        Assert.Null(expected.ExtraMembers);
        Assert.Null(actual.ExtraMembers);
    }
}
