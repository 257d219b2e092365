namespace AppProtocol.Proxy;

/// <summary>Version 2's SSL TLV (<c>PP2_TYPE_SSL</c>): what the proxy saw of the client's TLS connection to it.</summary>
public sealed class ProxySslInfo
{
    internal const byte ClientSsl = 0x01;
    internal const byte ClientCertificateConnection = 0x02;
    internal const byte ClientCertificateSession = 0x04;

    internal ProxySslInfo(byte client, uint verify)
    {
        Client = client;
        VerifyResult = verify;
    }

    /// <summary>The <c>client</c> bit field: 0x01 TLS, 0x02 a certificate on this connection, 0x04 a certificate in its TLS session.</summary>
    public byte Client { get; }

    /// <summary>The <c>verify</c> field: 0 when the client presented a certificate and the proxy verified it, anything else otherwise.</summary>
    public uint VerifyResult { get; }

    /// <summary>Whether the client connected to the proxy over TLS.</summary>
    public bool IsTls => (Client & ClientSsl) != 0;

    /// <summary>Whether the client presented a certificate that the proxy verified (on this connection or earlier in its TLS session).</summary>
    public bool ClientCertificateVerified => VerifyResult == 0 && (Client & (ClientCertificateConnection | ClientCertificateSession)) != 0;

    /// <summary>The TLS version (<c>PP2_SUBTYPE_SSL_VERSION</c>), for example <c>TLSv1.3</c>.</summary>
    public string? Version { get; internal init; }

    /// <summary>The Common Name of the client certificate's subject (<c>PP2_SUBTYPE_SSL_CN</c>).</summary>
    public string? CommonName { get; internal init; }

    /// <summary>The cipher (<c>PP2_SUBTYPE_SSL_CIPHER</c>), for example <c>ECDHE-RSA-AES128-GCM-SHA256</c>.</summary>
    public string? Cipher { get; internal init; }

    /// <summary>The algorithm that signed the proxy's certificate (<c>PP2_SUBTYPE_SSL_SIG_ALG</c>).</summary>
    public string? SignatureAlgorithm { get; internal init; }

    /// <summary>The algorithm of the proxy's certificate key (<c>PP2_SUBTYPE_SSL_KEY_ALG</c>).</summary>
    public string? KeyAlgorithm { get; internal init; }
}
