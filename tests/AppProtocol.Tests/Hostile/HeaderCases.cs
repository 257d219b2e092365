using System.Text;
using AppProtocol.Framing;
using static AppProtocol.Tests.Hostile.HostileFrames;

namespace AppProtocol.Tests.Hostile;

/// <summary>Frames whose protoheader or JSON header is wrong, each with the one reason it must fail with.</summary>
internal static class HeaderCases
{
    private static readonly FrameLimits SmallHeaders = new() { MaxHeaderLength = 1024 };
    private static readonly FrameLimits SmallContent = new() { MaxContentLength = 2 };

    private static readonly Lazy<Dictionary<string, HostileCase>> All = new(Build);

    public static HostileCase Get(string name) => All.Value[name];

    public static TheoryData<string> Names() => [.. All.Value.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Cases where the library is known to be wrong (an exception other than ProtocolException escapes); tested by skipped facts.</summary>
    public static HostileCase LoneSurrogateInContentType { get; } =
        new("lone surrogate escape in content-type", Frame(HeaderWith("content-type", "\"\\ud800\"")), ProtocolError.InvalidHeaderEncoding);

    public static HostileCase LoneSurrogateInByteOrder { get; } =
        new("lone surrogate escape in byteorder", Frame(HeaderWith("byteorder", "\"\\ud83d\"")), ProtocolError.InvalidHeaderEncoding);

    public static HostileCase LoneSurrogateInExtraName { get; } =
        new("lone surrogate escape in an extra member's name", Frame(Header(extra: "\"\\udc00x\": 1")), ProtocolError.InvalidHeaderEncoding);

    private static Dictionary<string, HostileCase> Build()
    {
        byte[] vector = ReferenceVectorBytes();
        byte[] swapped = [vector[1], vector[0], .. vector.AsSpan(2)];
        var cases = new List<HostileCase>
        {
            // Protoheader
            new("protoheader 0, then a header", [0, 0, .. "{}"u8], ProtocolError.EmptyHeader),
            new("protoheader 0 alone", [0, 0], ProtocolError.EmptyHeader),
            new("protoheader 0xFFFF above a 1024 limit, garbage after", [0xFF, 0xFF, .. Garbage(100)], ProtocolError.HeaderTooLarge, SmallHeaders),
            new("protoheader 1025 above a 1024 limit", Frame(Header().PadRight(1025)), ProtocolError.HeaderTooLarge, SmallHeaders),
            new("protoheader 0xFFFF, 65535 bytes of garbage", [0xFF, 0xFF, .. Enumerable.Repeat((byte)'x', ushort.MaxValue)], ProtocolError.InvalidHeaderJson),
            new("protoheader 0xFFFF, garbage, stream ends", [0xFF, 0xFF, .. Garbage(100)], ProtocolError.TruncatedFrame),
            new("protoheader little-endian, stream ends", swapped, ProtocolError.TruncatedFrame),
            new("protoheader little-endian, more frames after", [.. swapped, .. Enumerable.Range(0, 200).SelectMany(_ => vector)], ProtocolError.InvalidHeaderJson),

            // Header bytes
            new("invalid UTF-8 between members", Frame(Utf8WithByte(Header(extra: "\"x\": 1 #"), '#', 0xFF)), ProtocolError.InvalidHeaderEncoding),
            new("invalid UTF-8 inside a string", Frame(Utf8WithByte(HeaderWith("content-type", "\"bin#ary\""), '#', 0xC3)), ProtocolError.InvalidHeaderEncoding),
            new("overlong UTF-8 inside a string", Frame(Utf8WithBytes(HeaderWith("content-type", "\"bin#ary\""), '#', [0xC0, 0xAF])), ProtocolError.InvalidHeaderEncoding),
            new("UTF-8-encoded surrogate inside a string", Frame(Utf8WithBytes(HeaderWith("content-type", "\"bin#ary\""), '#', [0xED, 0xA0, 0x80])), ProtocolError.InvalidHeaderEncoding),
            new("UTF-8 byte order mark", Frame([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Header())]), ProtocolError.HeaderByteOrderMark),
            new("not JSON", Frame("hello, world"), ProtocolError.InvalidHeaderJson),
            new("only whitespace", Frame("   "), ProtocolError.InvalidHeaderJson),
            new("unterminated object", Frame(Header()[..^1]), ProtocolError.InvalidHeaderJson),
            new("not an object: array", Frame("[1, 2]"), ProtocolError.HeaderNotObject),
            new("not an object: string", Frame("\"byteorder\""), ProtocolError.HeaderNotObject),
            new("not an object: number", Frame("42"), ProtocolError.HeaderNotObject),
            new("not an object: null", Frame("null"), ProtocolError.HeaderNotObject),
            new("nested 17 deep (limit 16)", Frame(Header(extra: "\"x\": " + Nested(16))), ProtocolError.HeaderTooDeep),
            new("nested 1000 deep", Frame(Header(extra: "\"x\": " + Nested(999))), ProtocolError.HeaderTooDeep),
            new("block comment", Frame(Header(extra: "/* hi */ \"x\": 1")), ProtocolError.InvalidHeaderJson),
            new("line comment", Frame(Header(extra: "\"x\": 1 // hi\n")), ProtocolError.InvalidHeaderJson),
            new("trailing comma", Frame(Header()[..^1] + ",}"), ProtocolError.InvalidHeaderJson),
            new("data after the object", Frame(Header() + " x"), ProtocolError.InvalidHeaderJson),
            new("second object after the object", Frame(Header() + "{}"), ProtocolError.InvalidHeaderJson),
            new("NaN as content-length", Frame(HeaderWith("content-length", "NaN")), ProtocolError.InvalidHeaderJson),
            new("NaN in an extra member", Frame(Header(extra: "\"x\": NaN")), ProtocolError.InvalidHeaderJson),
            new("Infinity as content-length", Frame(HeaderWith("content-length", "Infinity")), ProtocolError.InvalidHeaderJson),

            // Keys: duplicates, including through escapes
            new("duplicate content-length through \\u escape", Frame(Header(extra: "\"content\\u002dlength\": 3")), ProtocolError.DuplicateHeader),
            new("duplicate byteorder through \\u escape", Frame(Header(extra: "\"\\u0062yteorder\": \"big\"")), ProtocolError.DuplicateHeader),
            new("duplicate extra member", Frame(Header(extra: "\"x\": 1, \"x\": 2")), ProtocolError.DuplicateHeader),
            new("duplicate extra member through \\u escape", Frame(Header(extra: "\"x\": 1, \"\\u0078\": 2")), ProtocolError.DuplicateHeader),

            // Keys: wrong JSON type or value
            new("byteorder a number", Frame(HeaderWith("byteorder", "1")), ProtocolError.InvalidHeaderValue),
            new("byteorder unknown", Frame(HeaderWith("byteorder", "\"middle\"")), ProtocolError.InvalidHeaderValue),
            new("byteorder in upper case", Frame(HeaderWith("byteorder", "\"LITTLE\"")), ProtocolError.InvalidHeaderValue),
            new("content-type a number", Frame(HeaderWith("content-type", "5")), ProtocolError.InvalidHeaderValue),
            new("content-type an object", Frame(HeaderWith("content-type", "{\"a\": 1}")), ProtocolError.InvalidHeaderValue),
            new("content-encoding null", Frame(HeaderWith("content-encoding", "null")), ProtocolError.InvalidHeaderValue),
            new("content-length a string", Frame(HeaderWith("content-length", "\"3\"")), ProtocolError.InvalidHeaderValue),
            new("content-length true", Frame(HeaderWith("content-length", "true")), ProtocolError.InvalidHeaderValue),
            new("content-length an array", Frame(HeaderWith("content-length", "[3]")), ProtocolError.InvalidHeaderValue),

            // content-length numbers
            new("content-length -1", Frame(HeaderWith("content-length", "-1")), ProtocolError.InvalidContentLength),
            new("content-length 1.5", Frame(HeaderWith("content-length", "1.5")), ProtocolError.InvalidContentLength),
            new("content-length 3.0", Frame(HeaderWith("content-length", "3.0")), ProtocolError.InvalidContentLength),
            new("content-length 41.0", Frame(HeaderWith("content-length", "41.0")), ProtocolError.InvalidContentLength),
            new("content-length 4.1e1", Frame(HeaderWith("content-length", "4.1e1")), ProtocolError.InvalidContentLength),
            new("content-length 3E0", Frame(HeaderWith("content-length", "3E0")), ProtocolError.InvalidContentLength),
            new("content-length 2^63 (beyond 64 bits signed)", Frame(HeaderWith("content-length", "9223372036854775808")), ProtocolError.InvalidContentLength),
            new("content-length 10^20", Frame(HeaderWith("content-length", "100000000000000000000")), ProtocolError.InvalidContentLength),
            new("content-length 16 MiB + 1 (default limit)", Frame(HeaderWith("content-length", "16777217")), ProtocolError.ContentTooLarge),
            new("content-length 2^62", Frame(HeaderWith("content-length", "4611686018427387904")), ProtocolError.ContentTooLarge),
            new("content-length 3 above a configured 2", Frame(Header()), ProtocolError.ContentTooLarge, SmallContent),
        };

        foreach ((string name, _) in Required)
        {
            cases.Add(new($"missing {name}", Frame(HeaderWithout(name)), ProtocolError.MissingRequiredHeader));
            cases.Add(new($"{name} only in upper case", Frame(HeaderWithout(name, name.ToUpperInvariant())), ProtocolError.MissingRequiredHeader));
            cases.Add(new($"{name} only capitalized", Frame(HeaderWithout(name, char.ToUpperInvariant(name[0]) + name[1..])), ProtocolError.MissingRequiredHeader));
            cases.Add(new($"duplicate {name}", Frame(Header(extra: $"\"{name}\": {Required.Single(m => m.Name == name).Value}")), ProtocolError.DuplicateHeader));
        }

        return cases.ToDictionary(c => c.Name, StringComparer.Ordinal);
    }

    private static byte[] ReferenceVectorBytes() => AppProtocol.Tests.Framing.ReferenceVectors.Get("search-morpheus/request").Bytes;

    private static byte[] Garbage(int length)
    {
        byte[] bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    private static byte[] Utf8WithByte(string text, char marker, byte replacement) => Utf8WithBytes(text, marker, [replacement]);

    private static byte[] Utf8WithBytes(string text, char marker, byte[] replacement)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        int at = Array.IndexOf(utf8, (byte)marker);
        return [.. utf8.AsSpan(0, at), .. replacement, .. utf8.AsSpan(at + 1)];
    }
}

/// <summary>One hostile stream and the error it must end with.</summary>
internal sealed record HostileCase(string Name, byte[] Stream, ProtocolError Expected, FrameLimits? Limits = null)
{
    public override string ToString() => Name;
}
