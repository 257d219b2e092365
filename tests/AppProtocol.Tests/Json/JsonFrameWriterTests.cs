using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Text.Json;
using AppProtocol.Framing;
using AppProtocol.Json;
using AppProtocol.Tests.Support;

namespace AppProtocol.Tests.Json;

/// <summary>JsonFrameWriter around the room it reserves in the output (4,096 content bytes): in place, partly spilled, wholly spilled.</summary>
public class JsonFrameWriterTests
{
    private const int Room = 4096;

    // SHA-256 of the whole frame as JsonFrameWriter wrote it when it still serialized twice past the room; the same as
    // Python's json.dumps of the header and json.dumps(separators=(",", ":"), ensure_ascii=False) of the content give.
    public static TheoryData<string, int, string> Cases() => new()
    {
        { "many short strings", Room - 1, "100C80E9569387CDD98760CE9F2FFA17FACDE28FAC4C29F41D370F7CDEB61D09" },
        { "many short strings", Room, "BA32641A389E39F0AEB1A88DAAAC81E8B558CFB344ED75F1630CE3DD248DA419" },
        { "many short strings", Room + 1, "1C4D9A8EBAB95A1E240D18A888460EBE2E2A48B1939BB5F70368BF48CA4751A9" },
        { "many short strings", 1024 * 1024, "4C0F01E5D8391FD4080826B171987F2B340308B3445C67231AE3912B5C469CC4" },
        { "one long string", Room - 1, "72722EE6182DECE3BDD31BFB9407CB0F9500F0B94E393F2966624B88365A8C14" },
        { "one long string", Room, "350E759F4EA1A26477E678B302A73338957739229F1324992BD07F698442F6DB" },
        { "one long string", Room + 1, "07CFB100920262D1F1E1DD8CDE685AD819D7FBA763054EA7E6CD01AA7532C216" },
        { "one long string", 1024 * 1024, "87AB7D27C844C214947F04814AC17B008616CC3695E809C68DEB78B1E4DCDAA6" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Content_around_and_far_over_the_room_is_written_as_before_and_parses_back(string shape, int contentLength, string sha256)
    {
        CountedStrings value = Value(shape, contentLength);
        var output = new ArrayBufferWriter<byte>(16);

        JsonFrameWriter.Write(output, value, TestJsonContext.Default.CountedStrings);

        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);
        Assert.True(new FrameParser(new FrameLimits()).TryParse(ref buffer, out Frame frame));
        Assert.True(buffer.IsEmpty);
        byte[] content = frame.Content.ToArray();
        Assert.Equal(contentLength, content.Length);
        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(value, TestJsonContext.Default.CountedStrings), content);
        Assert.Equal(value.Items, JsonFrameReader.Read(frame, TestJsonContext.Default.CountedStrings)!.Items);
        Assert.Equal(sha256, Convert.ToHexString(SHA256.HashData(output.WrittenSpan)));
    }

    [Theory]
    [InlineData(100)]
    [InlineData(Room + 1)]
    [InlineData(1024 * 1024)]
    public void Each_value_is_serialized_once_and_nothing_is_thrown(int contentLength)
    {
        CountedStrings value = Value("many short strings", contentLength);
        int thread = Environment.CurrentManagedThreadId;
        int thrown = 0;
        void Count(object? sender, FirstChanceExceptionEventArgs e) => thrown += Environment.CurrentManagedThreadId == thread ? 1 : 0;

        AppDomain.CurrentDomain.FirstChanceException += Count;
        try
        {
            JsonFrameWriter.Write(new ArrayBufferWriter<byte>(), value, TestJsonContext.Default.CountedStrings);
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= Count;
        }

        Assert.Equal(1, value.Serializations);
        Assert.Equal(0, thrown);
    }

    /// <summary>An object of exactly <paramref name="contentLength"/> bytes: <c>{"items":[...]}</c> of 3-character strings, or of one string.</summary>
    private static CountedStrings Value(string shape, int contentLength)
    {
        // {"items":[ and ]}: 12 bytes; each string costs its length + 2 quotes, and each after the first a comma.
        int room = contentLength - 12;
        if (shape == "one long string")
        {
            return new CountedStrings([new string('x', room - 2)]);
        }

        int more = (room - 2) / 6;
        string first = new('a', room - 2 - (6 * more));
        return new CountedStrings([first, .. Enumerable.Repeat("xyz", more)]);
    }
}
