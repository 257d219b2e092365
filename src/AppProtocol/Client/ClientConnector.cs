using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace AppProtocol.Client;

/// <summary>Opens the byte stream a <see cref="FrameConnection"/> runs on: TCP or Unix socket, then TLS if asked.</summary>
internal static class ClientConnector
{
    /// <summary>Connects, trying every address the host resolves to, and authenticates TLS.</summary>
    /// <exception cref="FrameClientException">No address accepted the connection, or the TLS handshake failed.</exception>
    public static async ValueTask<(Socket Socket, Stream Stream)> ConnectAsync(FrameClientOptions options, CancellationToken cancellationToken)
    {
        Socket socket = options.UnixSocketPath is { } path
            ? await ConnectUnixAsync(path, cancellationToken).ConfigureAwait(false)
            : await ConnectTcpAsync(options.Host!, options.Port, cancellationToken).ConfigureAwait(false);

        Stream stream = new NetworkStream(socket, ownsSocket: true);
        if (!options.IsTls)
        {
            return (socket, stream);
        }

        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(TlsOptions(options), cancellationToken).ConfigureAwait(false);
            return (socket, ssl);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw ClientFailures.CouldNotConnect($"TLS handshake with {options.Describe()} failed: {ex.Message}", ex);
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static SslClientAuthenticationOptions TlsOptions(FrameClientOptions options)
    {
        // An empty host means this machine, whose certificate would be issued to "localhost".
        string targetHost = options.TargetHost ?? (string.IsNullOrEmpty(options.Host) ? "localhost" : options.Host);
        if (options.SslOptions is { } given)
        {
            given.TargetHost ??= targetHost;
            return given;
        }

        return new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
            ClientCertificates = options.ClientCertificate is { } certificate ? [certificate] : null,
            RemoteCertificateValidationCallback = options.RemoteCertificateValidation,
        };
    }

    private static async ValueTask<Socket> ConnectUnixAsync(string path, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw ClientFailures.CouldNotConnect($"Could not connect to Unix socket {path}: {ex.Message}", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async ValueTask<Socket> ConnectTcpAsync(string host, int port, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        if (host.Length == 0)
        {
            addresses = [IPAddress.Loopback];
        }
        else if (IPAddress.TryParse(host, out IPAddress? literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                throw ClientFailures.CouldNotConnect($"Could not resolve {host}: {ex.Message}", ex);
            }
        }

        var failures = new List<Exception>();
        foreach (IPAddress address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false);
                return socket;
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                failures.Add(ex);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        string tried = string.Join(", ", addresses.Select(a => a.ToString()));
        throw ClientFailures.CouldNotConnect(
            $"Could not connect to {host} port {port} (tried {(tried.Length == 0 ? "no addresses" : tried)}): {string.Join("; ", failures.Select(f => f.Message))}.",
            failures.Count == 1 ? failures[0] : new AggregateException(failures));
    }
}
