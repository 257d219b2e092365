using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using AppProtocol.Transport.Features;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace AppProtocol.Server;

/// <summary>Who is calling: the connection a request came on, as a handler sees it (no access to its bytes).</summary>
/// <remarks>Only the server makes these: its connection object is one, so that a connection costs one object less.</remarks>
public abstract class FrameConnectionInfo
{
    private readonly ConnectionContext _context;

    private protected FrameConnectionInfo(ConnectionContext context, long id, Diagnostics.MetricTags tags)
    {
        _context = context;
        Id = id;
        Tags = tags;
    }

    /// <summary>The connection's number, unique within the server.</summary>
    public long Id { get; }

    /// <summary>The client's end point, or <see langword="null"/> when unknown (e.g. an unnamed Unix socket).</summary>
    public EndPoint? RemoteEndPoint => _context.RemoteEndPoint;

    /// <summary>The server's end point of the connection.</summary>
    public EndPoint? LocalEndPoint => _context.LocalEndPoint;

    /// <summary>Sends what a streamed response has written so far, under the minimum response data rate; true when the peer has gone.</summary>
    internal abstract ValueTask<bool> FlushResponseAsync(System.IO.Pipelines.PipeWriter output);

    /// <summary>Whether the server is stopping: a response written now is the connection's last.</summary>
    internal abstract bool StopRequested { get; }

    /// <summary>The tags of the connection's measurements (its listen address).</summary>
    internal Diagnostics.MetricTags Tags { get; }

    /// <summary>State that lives as long as the connection, for handlers and middleware.</summary>
    public IDictionary<object, object?> Items => _context.Items;

    /// <summary>The connection's features, as its transport and middleware set them.</summary>
    public IFeatureCollection Features => _context.Features;

    /// <summary>The TLS protocol, or <see langword="null"/> for a plaintext connection.</summary>
    public SslProtocols? TlsProtocol => _context.Features.Get<IConnectionTlsFeature>()?.Protocol;

    /// <summary>The client's certificate under mutual TLS, or <see langword="null"/>.</summary>
    public X509Certificate2? ClientCertificate => _context.Features.Get<IConnectionTlsFeature>()?.ClientCertificate;
}
