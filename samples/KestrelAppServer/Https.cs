using AppProtocol.Samples;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace KestrelAppServer;

/// <summary>Kestrel's own TLS for the AppProtocol endpoint, in front of UseAppProtocol (which shows it to handlers as the library's TLS).</summary>
internal static class Https
{
    /// <summary>Adds <c>UseHttps</c> with the certificate and, for mutual TLS, a required client certificate that the CA accepts; nothing without TLS.</summary>
    public static ListenOptions UseTls(this ListenOptions listen, ServerTls? tls)
    {
        if (tls is null)
        {
            return listen;
        }

        return listen.UseHttps(https =>
        {
            https.ServerCertificate = tls.Certificate;
            if (tls.ClientCertificates is { } validator)
            {
                https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                // Kestrel's own chain (against the system's roots) is not the verdict: the validator's is, without revocation.
                https.CheckCertificateRevocation = false;
                https.ClientCertificateValidation = (certificate, chain, _) => validator.Validate(certificate, chain);
            }
        });
    }
}
