using System.Net;
using System.Net.Sockets;

namespace AppProtocol.Tests.Client;

/// <summary>
/// A scripted TCP proxy on 127.0.0.1 port 0, between a client under test and a server on another port: each accepted
/// connection becomes a <see cref="ProxyLink"/>, which the script may set up before any byte flows (re-chunk, stall,
/// cut with a reset, a half-close or a silent drop, hold a FIN) and the test may drive while it runs.
/// </summary>
/// <remarks>With no script it is a plain proxy: a FIN is passed on as a FIN, a reset as a reset. Its sockets have small
/// receive buffers (<see cref="BufferSize"/>), so a stalled direction holds back a large send quickly.</remarks>
internal sealed class FaultProxy : IAsyncDisposable
{
    /// <summary>The receive buffer of the proxy's sockets.</summary>
    public const int BufferSize = 64 * 1024;

    private readonly Socket _listener;
    private readonly int _serverPort;
    private readonly Action<ProxyLink>? _script;
    private readonly List<(ProxyLink Link, Task Run)> _links = [];
    private readonly List<TaskCompletionSource<ProxyLink>> _waiting = [];
    private readonly Task _acceptLoop;

    private FaultProxy(int serverPort, Action<ProxyLink>? script)
    {
        _serverPort = serverPort;
        _script = script;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = BufferSize };
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen();
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        // On the thread pool, off the test runner's SynchronizationContext, whose threads all tests share: a test
        // busy there must not stall this server.
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    /// <summary>How many connections the proxy accepted.</summary>
    public int Accepted
    {
        get
        {
            lock (_links)
            {
                return _links.Count;
            }
        }
    }

    /// <summary>Starts a proxy to the server on <paramref name="serverPort"/>; <paramref name="script"/> sets up each link before it forwards.</summary>
    public static FaultProxy Start(int serverPort, Action<ProxyLink>? script = null) => new(serverPort, script);

    /// <summary>The link of the <paramref name="index"/>-th connection accepted (0 first), once it is accepted.</summary>
    public Task<ProxyLink> LinkAsync(int index)
    {
        lock (_links)
        {
            if (index < _links.Count)
            {
                return Task.FromResult(_links[index].Link);
            }

            while (_waiting.Count <= index)
            {
                _waiting.Add(new TaskCompletionSource<ProxyLink>(TaskCreationOptions.RunContinuationsAsynchronously));
            }

            return _waiting[index].Task.WaitAsync(ChildProcess.Timeout);
        }
    }

    /// <summary>Stops listening, as a server that shuts down does: new connections are refused, links keep running.</summary>
    public void StopAccepting() => _listener.Dispose();

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await _acceptLoop.WaitAsync(ChildProcess.Timeout);
        (ProxyLink Link, Task Run)[] links;
        lock (_links)
        {
            links = [.. _links];
        }

        foreach ((ProxyLink link, _) in links)
        {
            link.Reset();
        }

        await Task.WhenAll(links.Select(l => l.Run)).WaitAsync(ChildProcess.Timeout);
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }

            client.NoDelay = true;
            TaskCompletionSource<ProxyLink>? waiter = null;
            ProxyLink link;
            lock (_links)
            {
                link = new ProxyLink(_links.Count, client);
                _script?.Invoke(link);
                _links.Add((link, link.RunAsync(_serverPort)));
                if (link.Index < _waiting.Count)
                {
                    waiter = _waiting[link.Index];
                }
            }

            waiter?.TrySetResult(link);
        }
    }
}
