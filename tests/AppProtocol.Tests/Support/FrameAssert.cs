using System.Buffers;
using AppProtocol.Framing;

namespace AppProtocol.Tests.Support;

public static class FrameAssert
{
    public static void Equal(in Frame expected, in Frame actual)
    {
        Assert.Equal(expected.Header.ByteOrder, actual.Header.ByteOrder);
        Assert.Equal(expected.Header.ContentType, actual.Header.ContentType);
        Assert.Equal(expected.Header.ContentEncoding, actual.Header.ContentEncoding);
        Assert.Equal(expected.Header.ContentLength, actual.Header.ContentLength);
        Assert.Equal(Describe(expected.Header.ExtraMembers), Describe(actual.Header.ExtraMembers));
        Assert.True(expected.Content.ToArray().AsSpan().SequenceEqual(actual.Content.ToArray()), "content differs");
    }

    private static string Describe(IReadOnlyDictionary<string, System.Text.Json.JsonElement>? extra) =>
        extra is null
            ? "(none)"
            : string.Join(", ", extra.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value.GetRawText()}"));
}
