namespace AppProtocol.Samples;

/// <summary>The <c>content-type</c> values of the sample application's binary frames, as the Python reference programs send them.</summary>
public static class SampleContentTypes
{
    /// <summary>The content type of the sample client's binary requests.</summary>
    public const string ClientBinary = "binary/custom-client-binary-type";

    /// <summary>The content type of the sample server's binary responses.</summary>
    public const string ServerBinary = "binary/custom-server-binary-type";
}
