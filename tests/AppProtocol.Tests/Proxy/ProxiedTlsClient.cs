using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using AppProtocol.Framing;
using AppProtocol.Pipelines;

namespace AppProtocol.Tests.Proxy;

/// <summary>A client as a balancer in TCP mode sends it: a PROXY header, then the client's TLS, the header in the same send as the TLS ClientHello (so the server reads both at once) or on its own.</summary>
internal sealed class ProxiedTlsClient : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly SslStream _tls;
    private readonly PipeReader _input;
    private readonly FrameReader _frames;

    private ProxiedTlsClient(SslStream tls)
    {
        _tls = tls;
        _input = PipeReader.Create(tls);
        _frames = new FrameReader(_input);
    }

    public static async Task<ProxiedTlsClient> ConnectAsync(EndPoint server, byte[] header, bool withClientHello)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server).WaitAsync(Patience);
        var network = new NetworkStream(socket, ownsSocket: true);
        if (!withClientHello)
        {
            await network.WriteAsync(header).AsTask().WaitAsync(Patience);
        }

        var tls = new SslStream(withClientHello ? new PrefixOnFirstWrite(network, header) : network);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == Support.TestCertificates.Server.GetCertHashString(),
        }).WaitAsync(Patience);
        return new ProxiedTlsClient(tls);
    }

    public async Task<Frame> ExchangeAsync(byte[] request)
    {
        await _tls.WriteAsync(request).AsTask().WaitAsync(Patience);
        await _tls.FlushAsync().WaitAsync(Patience);
        Frame? answer = await _frames.ReadFrameAsync().AsTask().WaitAsync(Patience);
        return answer?.Clone() ?? throw new Xunit.Sdk.XunitException("The server closed the connection instead of answering.");
    }

    public async ValueTask DisposeAsync()
    {
        await _input.CompleteAsync();
        await _tls.DisposeAsync();
    }

    /// <summary>Writes the header in front of the first write (the ClientHello), in one send.</summary>
    private sealed class PrefixOnFirstWrite(Stream inner, byte[] prefix) : Stream
    {
        private byte[]? _prefix = prefix;

        public override bool CanRead => true;

        public override bool CanWrite => true;

        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_prefix is { } prefix)
            {
                _prefix = null;
                return inner.WriteAsync((byte[])[.. prefix, .. buffer.Span], cancellationToken);
            }

            return inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override void Flush() => inner.Flush();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
