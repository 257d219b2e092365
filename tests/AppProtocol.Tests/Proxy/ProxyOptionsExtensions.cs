using AppProtocol.Proxy;

namespace AppProtocol.Tests.Proxy;

internal static class ProxyOptionsExtensions
{
    public static ProxyProtocolOptions WithRequired(this ProxyProtocolOptions options, bool required)
    {
        options.Required = required;
        return options;
    }

    public static ProxyProtocolOptions WithTimeout(this ProxyProtocolOptions options, TimeSpan timeout)
    {
        options.HeaderTimeout = timeout;
        return options;
    }
}
