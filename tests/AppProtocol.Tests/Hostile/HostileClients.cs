using System.Text;
using AppProtocol.Tests.Server;

namespace AppProtocol.Tests.Hostile;

/// <summary>The hostile-input table: malformed frames and misbehaving peers, each with its expected outcome.</summary>
public static class HostileClients
{
    private const string Body = """{"action": "search", "value": "ring"}""";
    private static readonly TimeSpan Stall = TimeSpan.FromMilliseconds(300);

    public static IReadOnlyDictionary<string, HostileClient> All { get; } = Build().ToDictionary(c => c.Name);

    /// <summary>A well-formed JSON header for <paramref name="length"/> bytes of content, with one member replaced or removed.</summary>
    public static string Header(long length, string? replaceKey = null, string? replacement = null)
    {
        var members = new List<(string Key, string Json)>
        {
            ("byteorder", "\"little\""),
            ("content-type", "\"text/json\""),
            ("content-encoding", "\"utf-8\""),
            ("content-length", length.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        var text = new StringBuilder("{");
        foreach ((string key, string json) in members)
        {
            string member = key == replaceKey ? replacement ?? "" : $"\"{key}\": {json}";
            if (member.Length > 0)
            {
                text.Append(text.Length > 1 ? ", " : "").Append(member);
            }
        }

        return text.Append('}').ToString();
    }

    /// <summary>A frame: the 2-byte big-endian header length, the header bytes, the content.</summary>
    public static byte[] Frame(byte[] header, byte[] content)
    {
        byte[] frame = new byte[2 + header.Length + content.Length];
        frame[0] = (byte)(header.Length >> 8);
        frame[1] = (byte)header.Length;
        header.CopyTo(frame, 2);
        content.CopyTo(frame, 2 + header.Length);
        return frame;
    }

    public static byte[] Frame(string header, string content) => Frame(Encoding.UTF8.GetBytes(header), Encoding.UTF8.GetBytes(content));

    private static byte[] WithKey(string key, string replacement) => Frame(Header(Body.Length, key, replacement), Body);

    private static HostileClient Bytes(string name, HostileOutcome expected, byte[] bytes) =>
        new(name, expected, client => client.SendAsync(bytes));

    private static HostileClient Stalled(string name, byte[] bytes) =>
        new(name, HostileOutcome.Closed, client => client.SendAsync(bytes), Stall);

    private static IEnumerable<HostileClient> Build()
    {
        byte[] good = Frame(Header(Body.Length), Body);
        byte[] header = Encoding.UTF8.GetBytes(Header(Body.Length));
        int midContent = 2 + header.Length + 5;

        // Protoheader.
        yield return Bytes("protoheader 0", HostileOutcome.Closed, [0, 0, .. good]);
        yield return Bytes("protoheader 65535 + garbage", HostileOutcome.Closed, [0xFF, 0xFF, .. Enumerable.Repeat((byte)'x', 65535)]);
        yield return Stalled("protoheader little-endian", [(byte)header.Length, (byte)(header.Length >> 8), .. good.AsSpan(2)]);

        // Header bytes.
        yield return Bytes("header invalid UTF-8", HostileOutcome.Closed, Frame([(byte)'{', 0xC3, 0x28, (byte)'}'], []));
        yield return Bytes("header invalid UTF-8 in a string", HostileOutcome.Closed,
            Frame([.. Encoding.UTF8.GetBytes(Header(Body.Length)[..^1] + ", \"x\": \""), 0xFF, 0xFE, (byte)'"', (byte)'}'], Encoding.UTF8.GetBytes(Body)));
        yield return Bytes("header BOM", HostileOutcome.Closed, Frame([0xEF, 0xBB, 0xBF, .. header], Encoding.UTF8.GetBytes(Body)));
        yield return Bytes("header not JSON", HostileOutcome.Closed, Requests.BadHeader());
        yield return Bytes("header array", HostileOutcome.Closed, Frame("[1, 2]", ""));
        yield return Bytes("header string", HostileOutcome.Closed, Frame("\"hello\"", ""));
        yield return Bytes("header null", HostileOutcome.Closed, Frame("null", ""));
        yield return Bytes("header too deep", HostileOutcome.Closed,
            Frame(Header(Body.Length)[..^1] + ", \"x\": " + new string('[', 64) + new string(']', 64) + "}", Body));
        yield return Bytes("header comment", HostileOutcome.Closed, Frame("/* c */" + Header(Body.Length), Body));
        yield return Bytes("header trailing comma", HostileOutcome.Closed, Frame(Header(Body.Length)[..^1] + ",}", Body));
        yield return Bytes("header data after object", HostileOutcome.Closed, Frame(Header(Body.Length) + "{}", Body));
        yield return Bytes("header NaN", HostileOutcome.Closed, Frame(Header(Body.Length)[..^1] + ", \"x\": NaN}", Body));
        yield return Bytes("header unterminated", HostileOutcome.Closed, Frame(Header(Body.Length)[..^1], Body));
        yield return Bytes("header single quotes", HostileOutcome.Closed, Frame(Header(Body.Length).Replace('"', '\''), Body));

        // Required keys.
        foreach (string key in (string[])["byteorder", "content-type", "content-encoding", "content-length"])
        {
            string value = key == "content-length" ? Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) : key switch
            {
                "byteorder" => "\"little\"",
                "content-type" => "\"text/json\"",
                _ => "\"utf-8\"",
            };
            yield return Bytes($"{key} missing", HostileOutcome.Closed, WithKey(key, ""));
            yield return Bytes($"{key} upper case only", HostileOutcome.Closed, WithKey(key, $"\"{key.ToUpperInvariant()}\": {value}"));
            yield return Bytes($"{key} duplicated", HostileOutcome.Closed, WithKey(key, $"\"{key}\": {value}, \"{key}\": {value}"));
            yield return Bytes($"{key} duplicated by escape", HostileOutcome.Closed, WithKey(key, $"\"{key}\": {value}, \"\\u{(int)key[0]:x4}{key[1..]}\": {value}"));
            yield return Bytes($"{key} wrong type", HostileOutcome.Closed, WithKey(key, key == "content-length" ? $"\"{key}\": \"{Body.Length}\"" : $"\"{key}\": 7"));
            yield return Bytes($"{key} null", HostileOutcome.Closed, WithKey(key, $"\"{key}\": null"));
        }

        yield return Bytes("content-length negative", HostileOutcome.Closed, WithKey("content-length", "\"content-length\": -1"));
        yield return Bytes("content-length fractional", HostileOutcome.Closed, WithKey("content-length", $"\"content-length\": {Body.Length}.5"));
        yield return Bytes("content-length exponent", HostileOutcome.Closed, WithKey("content-length", "\"content-length\": 1e3"));
        yield return Bytes("content-length beyond 64 bits", HostileOutcome.Closed, WithKey("content-length", "\"content-length\": 99999999999999999999999"));
        yield return Bytes("content-length above maximum", HostileOutcome.Closed, WithKey("content-length", "\"content-length\": 16777217"));
        yield return Bytes("byteorder unknown", HostileOutcome.Closed, WithKey("byteorder", "\"byteorder\": \"middle\""));

        // Content.
        yield return Bytes("content invalid JSON", HostileOutcome.Rejected, Frame(Header(5), "{nope"));
        yield return Bytes("content invalid UTF-8 for utf-8", HostileOutcome.Rejected,
            Frame(Encoding.UTF8.GetBytes(Header(4)), [(byte)'"', 0xC3, 0x28, (byte)'"']));
        yield return Bytes("content encoding unknown", HostileOutcome.Rejected,
            WithKey("content-encoding", "\"content-encoding\": \"klingon\""));
        yield return Bytes("content-length short of the content", HostileOutcome.Rejected, Frame(Header(Body.Length - 1), Body));

        // Timing.
        yield return new HostileClient("byte at a time", HostileOutcome.Served, async client =>
        {
            for (int i = 0; i < good.Length; i++)
            {
                await client.SendAsync(good.AsMemory(i, 1));
            }
        });
        yield return new HostileClient("two requests in one write", HostileOutcome.Served, client => client.SendAsync((byte[])[.. good, .. good]));
        yield return Stalled("stall in protoheader", good[..1]);
        yield return Stalled("stall mid-header", good[..(2 + (header.Length / 2))]);
        yield return Stalled("stall mid-content", good[..midContent]);
        yield return new HostileClient("stall after a served request", HostileOutcome.Closed, async client =>
        {
            await client.SendAsync((byte[])[.. good, .. good[..10]]);
            Assert.NotNull(await client.ReadFrameAsync());
        }, Stall);

        foreach ((string stage, int length) in ((string, int)[])[("before any byte", 0), ("mid-protoheader", 1), ("mid-header", 2 + (header.Length / 2)), ("mid-content", midContent)])
        {
            yield return new HostileClient($"FIN {stage}", HostileOutcome.Closed, async client =>
            {
                await client.SendAsync(good.AsMemory(0, length));
                client.ShutdownSend();
            });
            yield return new HostileClient($"RST {stage}", HostileOutcome.Released, async client =>
            {
                await client.SendAsync(good.AsMemory(0, length));
                client.Reset();
            });
        }

        yield return new HostileClient("FIN after a full request (half-close)", HostileOutcome.Served, async client =>
        {
            await client.SendAsync(good);
            client.ShutdownSend();
        });
        yield return new HostileClient("RST after a full request", HostileOutcome.Released, async client =>
        {
            await client.SendAsync(good);
            client.Reset();
        });
    }
}
