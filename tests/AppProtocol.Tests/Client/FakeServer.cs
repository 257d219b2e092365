using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace AppProtocol.Tests.Client;

/// <summary>
/// A minimal server for client tests, on a raw listening socket (TCP port 0 or a Unix socket), with optional TLS:
/// each accepted connection is handed to the test's handler. Dispose rethrows what any handler threw.
/// </summary>
internal sealed class FakeServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly Func<FakePeer, Task> _handler;
    private readonly X509Certificate2? _certificate;
    private readonly TaskCompletionSource<X509Certificate?> _clientCertificate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Task> _handlers = [];
    private readonly Task _acceptLoop;
    private int _accepted;

    private FakeServer(Socket listener, Func<FakePeer, Task> handler, X509Certificate2? certificate)
    {
        _listener = listener;
        _handler = handler;
        _certificate = certificate;
        _listener.Listen();
        // On the thread pool, off the test runner's SynchronizationContext, whose threads all tests share: a test
        // busy there must not stall this server.
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>With TLS: the certificate the first client presented (null when none).</summary>
    public Task<X509Certificate?> ClientCertificate => _clientCertificate.Task;

    public static FakeServer Tcp(Func<FakePeer, Task> handler, IPAddress? address = null, X509Certificate2? certificate = null)
    {
        address ??= IPAddress.Loopback;
        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(address, 0));
        return new FakeServer(listener, handler, certificate);
    }

    /// <summary>A server whose first connection reads one request and closes without answering (it may have processed
    /// it); the later connections echo. <see cref="Accepted"/> counts the attempts.</summary>
    public static FakeServer DropsFirstAnswer()
    {
        int connections = 0;
        return Tcp(async peer =>
        {
            if (Interlocked.Increment(ref connections) == 1)
            {
                await peer.ReadFrameAsync();
                peer.Close();
                return;
            }

            await peer.EchoFramesAsync();
        });
    }

    public static FakeServer Unix(string path, Func<FakePeer, Task> handler)
    {
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        return new FakeServer(listener, handler, null);
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await _acceptLoop.WaitAsync(ChildProcess.Timeout);
        Task[] handlers;
        lock (_handlers)
        {
            handlers = [.. _handlers];
        }

        await Task.WhenAll(handlers).WaitAsync(ChildProcess.Timeout);
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _accepted);
            lock (_handlers)
            {
                _handlers.Add(ServeAsync(socket));
            }
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        Stream stream = new NetworkStream(socket, ownsSocket: false);
        if (_certificate is not null)
        {
            var ssl = new SslStream(stream);
            try
            {
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = _certificate,
                    ClientCertificateRequired = true,

                    // Record the client's certificate rather than judge it: the test asserts on it.
                    RemoteCertificateValidationCallback = (_, certificate, _, _) => _clientCertificate.TrySetResult(certificate) || true,
                });
            }
            catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException)
            {
                // The client refused the certificate: that is what some tests expect.
                await ssl.DisposeAsync();
                socket.Dispose();
                return;
            }

            stream = ssl;
        }

        await using var peer = new FakePeer(socket, stream);
        try
        {
            await _handler(peer);
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            // The client went away mid-conversation; the test asserts on the client's side.
        }
    }
}
