namespace AppProtocol.Framing;

/// <summary>The machine-readable reason of a <see cref="ProtocolException"/>.</summary>
public enum ProtocolError
{
    /// <summary>The 2-byte protoheader is 0: no room for a JSON object.</summary>
    EmptyHeader = 1,

    /// <summary>The protoheader announces a JSON header longer than <see cref="FrameLimits.MaxHeaderLength"/>.</summary>
    HeaderTooLarge,

    /// <summary>The JSON header is not valid UTF-8.</summary>
    InvalidHeaderEncoding,

    /// <summary>The JSON header starts with a UTF-8 byte order mark, which the reference rejects.</summary>
    HeaderByteOrderMark,

    /// <summary>The JSON header is not one well-formed JSON value (comments, trailing commas, NaN and data after the object included).</summary>
    InvalidHeaderJson,

    /// <summary>The JSON header is valid JSON but not an object.</summary>
    HeaderNotObject,

    /// <summary>The JSON header nests deeper than <see cref="FrameLimits.MaxHeaderDepth"/>.</summary>
    HeaderTooDeep,

    /// <summary>A required header (<c>byteorder</c>, <c>content-length</c>, <c>content-type</c>, <c>content-encoding</c>) is absent.</summary>
    MissingRequiredHeader,

    /// <summary>A header member appears twice (after unescaping its name).</summary>
    DuplicateHeader,

    /// <summary>A required header has the wrong JSON type or an unknown value.</summary>
    InvalidHeaderValue,

    /// <summary><c>content-length</c> is not an integer from 0 to 2^63-1 (negative, fractional, exponent or beyond 64 bits).</summary>
    InvalidContentLength,

    /// <summary><c>content-length</c> exceeds <see cref="FrameLimits.MaxContentLength"/>.</summary>
    ContentTooLarge,

    /// <summary>The stream ended inside a frame.</summary>
    TruncatedFrame,

    /// <summary>The <c>content-encoding</c> of <c>text/json</c> content is not one this library can decode.</summary>
    UnsupportedContentEncoding,

    /// <summary>The content is not what its headers say: invalid JSON, or bytes that are not valid in the named encoding.</summary>
    InvalidContent,

    /// <summary>JSON content was asked of a frame whose <c>content-type</c> is not <c>text/json</c>.</summary>
    NotJsonContent,
}
