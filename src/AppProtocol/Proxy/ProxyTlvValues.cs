namespace AppProtocol.Proxy;

/// <summary>What <see cref="ProxyV2Tlvs.Read"/> found.</summary>
internal struct ProxyTlvValues
{
    public ReadOnlyMemory<byte> Alpn;
    public string? Authority;
    public ReadOnlyMemory<byte> UniqueId;
    public ProxySslInfo? Ssl;
    public bool HasChecksum;
}
