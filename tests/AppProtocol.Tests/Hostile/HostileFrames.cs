using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Text;

namespace AppProtocol.Tests.Hostile;

/// <summary>Builds raw frames, right or wrong, and feeds them to a pipe.</summary>
internal static class HostileFrames
{
    /// <summary>The four required members of a valid binary frame with 3 content bytes ("abc"), in the reference's order.</summary>
    public static readonly (string Name, string Value)[] Required =
    [
        ("byteorder", "\"little\""), ("content-type", "\"binary/x\""), ("content-encoding", "\"binary\""), ("content-length", "3"),
    ];

    public static byte[] Content => "abc"u8.ToArray();

    /// <summary>A frame whose header is the given JSON text, with a correct protoheader.</summary>
    public static byte[] Frame(string header, byte[]? content = null) => Frame(Encoding.UTF8.GetBytes(header), content ?? Content);

    public static byte[] Frame(byte[] header, byte[]? content = null)
    {
        content ??= Content;
        byte[] frame = new byte[2 + header.Length + content.Length];
        BinaryPrimitives.WriteUInt16BigEndian(frame, checked((ushort)header.Length));
        header.CopyTo(frame, 2);
        content.CopyTo(frame, 2 + header.Length);
        return frame;
    }

    /// <summary>A header object of the required members, with <paramref name="change"/> applied to each (null drops it), then <paramref name="extra"/> members.</summary>
    public static string Header(Func<string, string, string?>? change = null, string extra = "")
    {
        IEnumerable<string> members = Required
            .Select(m => change is null ? $"\"{m.Name}\": {m.Value}" : change(m.Name, m.Value))
            .OfType<string>();
        string body = string.Join(", ", members);
        return "{" + body + (extra.Length > 0 ? ", " + extra : "") + "}";
    }

    /// <summary>A header with one required member's value replaced.</summary>
    public static string HeaderWith(string name, string value) =>
        Header((n, v) => n == name ? $"\"{n}\": {value}" : $"\"{n}\": {v}");

    /// <summary>A header with one required member dropped, or renamed when <paramref name="newName"/> is given.</summary>
    public static string HeaderWithout(string name, string? newName = null) =>
        Header((n, v) => n != name ? $"\"{n}\": {v}" : newName is null ? null : $"\"{newName}\": {v}");

    /// <summary>A pipe that runs the reader inline and never pushes back, so a test drives both ends from one thread.</summary>
    public static Pipe InlinePipe() =>
        new(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, pauseWriterThreshold: 0, useSynchronizationContext: false));

    public static void Send(this Pipe pipe, ReadOnlySpan<byte> bytes)
    {
        pipe.Writer.Write(bytes);
        ValueTask<FlushResult> flush = pipe.Writer.FlushAsync();
        Assert.True(flush.IsCompleted, "A flush on a pipe without back-pressure must not wait.");
        flush.GetAwaiter().GetResult();
    }
}
