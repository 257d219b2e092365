using System.IO.Pipelines;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using AppProtocol.Diagnostics;
using AppProtocol.Transport;
using AppProtocol.Transport.Features;
using Microsoft.AspNetCore.Connections;

namespace AppProtocol.Server;

/// <summary>
/// Connection middleware that terminates TLS: a handshake bounded by the TLS handshake timeout, then the rest of the
/// pipeline sees a pipe of plaintext, a wait over TLS, and the <see cref="IConnectionTlsFeature"/>.
/// </summary>
internal sealed class TlsConnectionMiddleware(ConnectionDelegate next, SslServerAuthenticationOptions tls, ServerSettings settings)
{
    public async Task OnConnectionAsync(ConnectionContext context)
    {
        Stream inner = context.Features.Get<IConnectionStreamFeature>()?.Stream
            ?? throw new NotSupportedException($"TLS needs a transport that offers its stream ({nameof(IConnectionStreamFeature)}); use Kestrel's UseHttps on Kestrel.");
        var ssl = new SslStream(inner, leaveInnerStreamOpen: true);
        await using (ssl.ConfigureAwait(false))
        {
            if (!await AuthenticateAsync(context, ssl).ConfigureAwait(false))
            {
                return;
            }

            IWaitForDataFeature? innerWait = context.Features.Get<IWaitForDataFeature>();
            IDuplexPipe pipe = StreamDuplexPipe.Create(ssl, settings.MemoryPool, zeroByteReads: innerWait is null);
            context.Transport = pipe;
            var feature = new TlsFeature(ssl, innerWait);
            context.Features.Set<IConnectionTlsFeature>(feature);
            if (innerWait is not null)
            {
                context.Features.Set<IWaitForDataFeature>(feature);
            }

            try
            {
                await next(context).ConfigureAwait(false);
            }
            finally
            {
                // Completing the pipe returns its buffers to the pool.
                await StreamDuplexPipe.CompleteQuietlyAsync(pipe).ConfigureAwait(false);
            }
        }
    }

    private async Task<bool> AuthenticateAsync(ConnectionContext context, SslStream ssl)
    {
        IConnectionTimeoutFeature? timeout = context.Features.Get<IConnectionTimeoutFeature>();
        FrameServerConnection? connection = context.Features.Get<FrameServerConnection>();
        long id = connection?.Id ?? 0;
        timeout?.SetTimeout(settings.TlsHandshakeTimeout, "in the TLS handshake");
        try
        {
            await ssl.AuthenticateAsServerAsync(tls, context.ConnectionClosed).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            if (connection?.TimedOut is null)
            {
                settings.Metrics.Error(AppProtocolMetrics.Reasons.Tls, connection?.Tags ?? settings.Metrics.TagsFor(null));
                ServerLog.TlsHandshakeFailed(settings.Logger, id, ex);
            }

            return false;
        }
        finally
        {
            timeout?.ResetTimeout();
        }
    }

    /// <summary>The handshake's outcome, and waits for data through TLS (which may hold decrypted bytes of its own).</summary>
    private sealed class TlsFeature(SslStream ssl, IWaitForDataFeature? inner) : IConnectionTlsFeature, IWaitForDataFeature
    {
        public SslProtocols Protocol => ssl.SslProtocol;

        public X509Certificate2? ClientCertificate => ssl.RemoteCertificate as X509Certificate2;

        // TLS may have read the peer's bytes into its own buffer, so the socket cannot tell whether the peer left:
        // answer "yes, data" so that a handler is never cancelled on a guess.
        public bool IsDataAvailable => true;

        public ValueTask<int> WaitForDataAsync() => ssl.ReadAsync(Memory<byte>.Empty);

        public void EndWait() => inner?.EndWait();
    }
}
