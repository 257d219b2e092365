namespace AppProtocol.Framing;

/// <summary>Well-known values of the <c>content-type</c> and <c>content-encoding</c> headers.</summary>
public static class ContentTypes
{
    /// <summary>JSON content: <c>text/json</c>. Every other content type is binary.</summary>
    public const string Json = "text/json";

    /// <summary>The <c>content-encoding</c> of UTF-8 text content.</summary>
    public const string Utf8Encoding = "utf-8";

    /// <summary>The <c>content-encoding</c> of binary content.</summary>
    public const string BinaryEncoding = "binary";
}
