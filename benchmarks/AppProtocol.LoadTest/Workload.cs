using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AppProtocol.Framing;
using AppProtocol.Samples;

namespace AppProtocol.LoadTest;

/// <summary>One request, precomputed once as bytes in the reference client's layout, and the check of its answer.</summary>
internal sealed class Workload
{
    private readonly bool _isSearch;
    private readonly byte[] _expected;

    // The bytes of a search answer already found right: a server sends the same bytes every time, so a byte comparison
    // replaces the JSON parse. Set once and never changed, so connections on other threads may read it without locks.
    private byte[]? _knownGoodContent;

    private Workload(string description, Frame requestFrame, bool isSearch, byte[] expected)
    {
        Description = description;
        RequestFrame = requestFrame;
        Request = Encode(requestFrame);
        _isSearch = isSearch;
        _expected = expected;
    }

    public string Description { get; }

    /// <summary>The whole request frame, encoded.</summary>
    public byte[] Request { get; }

    /// <summary>The same request as a <see cref="Frame"/>, for the library's <c>FrameClient</c>.</summary>
    public Frame RequestFrame { get; }

    /// <summary>A text/json search request; the answer must be the table's result for the value (SPEC section 3).</summary>
    /// <param name="value">The search value.</param>
    /// <param name="expect">The result to require instead of the table's, or null.</param>
    public static Workload Search(string value, string? expect)
    {
        string encoded = JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString();
        byte[] content = Encoding.UTF8.GetBytes($"{{\"action\": \"search\", \"value\": \"{encoded}\"}}");
        string result = expect ?? value switch
        {
            "morpheus" => "Follow the white rabbit. \U0001F430",
            "ring" => "In the caves beneath the Misty Mountains. \U0001F48D",
            "\U0001F436" => "\U0001F43E Playing ball! \U0001F3D0",
            _ => $"No match for '{value}'.",
        };
        return new Workload($"search({value})", new Frame(FrameHeader.Json(content.Length), content), isSearch: true, Encoding.UTF8.GetBytes(result));
    }

    /// <summary>A binary request of <paramref name="size"/> content bytes; the answer quotes its first 10 bytes.</summary>
    public static Workload Binary(int size)
    {
        byte[] content = new byte[size];
        ReadOnlySpan<byte> pattern = "binarypayload-0123456789-"u8;
        for (int i = 0; i < size; i++)
        {
            content[i] = pattern[i % pattern.Length];
        }

        byte[] expected = [.. "First 10 bytes of request: "u8, .. content.AsSpan(0, Math.Min(10, size))];
        return new Workload($"binary({size} B)", new Frame(FrameHeader.Binary(SampleContentTypes.ClientBinary, size), content), isSearch: false, expected);
    }

    /// <summary>Whether <paramref name="response"/> is exactly the expected answer (JSON compared by value, so any header or JSON layout passes).</summary>
    public bool IsExpected(in Frame response)
    {
        ReadOnlySequence<byte> content = response.Content;
        if (!_isSearch)
        {
            return response.Header.ContentType == SampleContentTypes.ServerBinary && content.Length == _expected.Length && SequenceEquals(content, _expected);
        }

        if (!response.Header.IsJson)
        {
            return false;
        }

        if (_knownGoodContent is { } known && content.Length == known.Length && SequenceEquals(content, known))
        {
            return true;
        }

        try
        {
            var reader = new Utf8JsonReader(content);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            bool matched = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isResult = reader.ValueTextEquals("result"u8);
                reader.Read();
                if (isResult)
                {
                    matched = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(_expected);
                }
                else
                {
                    reader.Skip();
                }
            }

            if (matched)
            {
                _knownGoodContent ??= content.ToArray();
            }

            return matched;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool SequenceEquals(in ReadOnlySequence<byte> content, ReadOnlySpan<byte> expected)
    {
        foreach (ReadOnlyMemory<byte> segment in content)
        {
            if (!segment.Span.SequenceEqual(expected[..segment.Length]))
            {
                return false;
            }

            expected = expected[segment.Length..];
        }

        return true;
    }

    /// <summary>The frame's bytes in the library's layout (the reference's).</summary>
    public static byte[] Encode(in Frame frame)
    {
        var output = new ArrayBufferWriter<byte>((int)frame.Content.Length + 256);
        FrameWriter.Write(output, frame);
        return output.WrittenSpan.ToArray();
    }
}
