using System.Buffers;
using System.Text.Json.Serialization.Metadata;
using AppProtocol.Client.Balancing;
using AppProtocol.Diagnostics;
using AppProtocol.Framing;
using AppProtocol.Json;
using Microsoft.Extensions.Logging;

namespace AppProtocol.Client;

/// <summary>
/// Sends request frames to one server and returns their responses, over one reused connection
/// (TCP or Unix socket, plain or TLS). Safe for concurrent callers: once the server has shown that it keeps
/// connections open, their requests are pipelined on the connection and each caller gets its own response, in order.
/// </summary>
/// <remarks>
/// <para>Responses are returned as <see cref="Frame"/>s that own their content (a copy made with
/// <see cref="Frame.Clone"/>): they stay valid after the connection moves on or closes.</para>
/// <para>Connections are opened on demand, and the client learns how its server treats them, as HTTP/1.0 clients
/// learned about keep-alive. Until a connection has carried two answers, requests go one at a time; after that,
/// concurrent requests are pipelined. A server that marks its first answer on a connection as its last
/// (<c>"connection": "close"</c>, PROTOCOL.md E2) or closes a connection right after its first answer (the Python
/// reference server does) closes after each answer: from then on each request gets a connection of its own, so no
/// request is lost to the race between reusing a connection and the server's close arriving (through a proxy that
/// close is a FIN, which leaves no trace of whether the request was read).</para>
/// <para>A request that the server may have read is never sent again. A request goes out again on a new connection,
/// on at most three in all, only when the server cannot have read it: it was pipelined behind an answer marked as
/// the last, the connection broke before the request was written whole, the connection was found closed by the
/// server before the request went out, or the server's TCP stack reset the connection in answer to it (the only
/// request in flight, on a connection that had already carried a response, with none of its own response
/// arrived).</para>
/// <para>Errors name the server and their cause, and say whether the server may have processed the request:
/// <see cref="FrameClientException"/> when the client cannot connect or the connection is lost before the response
/// (<see cref="FrameClientException.RequestNotProcessed"/> tells what is safe to send again);
/// <see cref="FrameErrorReplyException"/> when the server answered with an error reply (rejected, failed, or
/// unavailable, for example shutting down); <see cref="ProtocolException"/> when the server's answer breaks the
/// protocol; <see cref="FrameClientTimeoutException"/> (a <see cref="TimeoutException"/>) when the response takes
/// longer than <see cref="FrameClientOptions.RequestTimeout"/>; <see cref="OperationCanceledException"/> when the
/// caller's token is cancelled. After a timeout, a protocol error or a broken connection, every request pending on
/// that connection fails and the next call opens a new connection. A caller who cancels after its request was sent
/// retires the connection: later calls go on a new one rather than wait behind the answer nobody wants, the requests
/// sent before it still get their answers, and the connection closes once no caller waits on it.</para>
/// </remarks>
public sealed partial class FrameClient : IAsyncDisposable
{
    private readonly FrameClientOptions _options;
    private readonly ILogger _logger;
    private readonly ConnectionReuse _reuse;
    // Null for a client of several servers: each of its per-server clients observes its own calls, named by its server.
    private readonly ClientTelemetry? _telemetry;

    // Set when the options name several servers: every call then goes to one of them, each a client of its own.
    private readonly ServerSet? _servers;

    /// <summary>Creates a client; it connects on the first request.</summary>
    /// <param name="options">Where and how to connect.</param>
    /// <exception cref="ArgumentException">The options name no server, or a timeout is not positive.</exception>
    public FrameClient(FrameClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = options.EffectiveLogger;
        _reuse = new ConnectionReuse(options.Describe(), _logger);
        _timeouts = new CallTimeouts(options.RequestTimeout);
        _servers = options.HasSeveralServers ? new ServerSet(options) : null;
        _telemetry = _servers is null ? new ClientTelemetry(options, CountOpenConnections, SendUnobservedAsync) : null;
    }

    /// <summary>The options this client was created with.</summary>
    public FrameClientOptions Options => _options;

    /// <summary>Sends a request frame and waits for its response.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The response, owning its content.</returns>
    /// <exception cref="FrameErrorReplyException">The server answered with an error reply (see <see cref="FrameErrors"/>).</exception>
    public ValueTask<Frame> SendAsync(Frame request, CancellationToken cancellationToken = default) =>
        _servers is { } servers ? servers.SendAsync(request, static (c, r, t) => c.SendAsync(r, t), _options.RequestsAreIdempotent, cancellationToken)
        : _telemetry is { IsEnabled: true } telemetry
            ? telemetry.ObserveAsync(Encode(request), false, cancellationToken)
            : SendOwnedAsync(new CallRequest(request, default, Leases: false, Idempotent: false), cancellationToken);

    /// <summary>Sends a request frame, made as <paramref name="options"/> say, and waits for its response.</summary>
    /// <param name="request">The request.</param>
    /// <param name="options">How this call differs from the client's options, for example <see cref="FrameCallOptions.IdempotentCall"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The response, owning its content.</returns>
    /// <exception cref="FrameErrorReplyException">The server answered with an error reply (see <see cref="FrameErrors"/>).</exception>
    public ValueTask<Frame> SendAsync(Frame request, FrameCallOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (_servers is { } servers)
        {
            return servers.SendAsync((request, options), static (c, s, t) => c.SendAsync(s.request, s.options, t), options.Idempotent || _options.RequestsAreIdempotent, cancellationToken);
        }

        return _telemetry is { IsEnabled: true } telemetry
            ? telemetry.ObserveAsync(Encode(request), options.Idempotent, cancellationToken)
            : SendOwnedAsync(new CallRequest(request, default, Leases: false, options.Idempotent), cancellationToken);
    }

    /// <summary>Sends a request frame with the given header and content and waits for its response.</summary>
    /// <param name="header">The header; its <c>content-length</c> must equal the content's length.</param>
    /// <param name="content">The content.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The response, owning its content.</returns>
    public ValueTask<Frame> SendAsync(FrameHeader header, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        SendAsync(new Frame(header, content), cancellationToken);

    /// <summary>Sends a request frame and waits for its response, which it returns over a pooled buffer rather than a copy of its own.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The response; dispose the lease once done with its content.</returns>
    /// <exception cref="FrameErrorReplyException">The server answered with an error reply (see <see cref="FrameErrors"/>).</exception>
    public ValueTask<FrameLease> SendLeasedAsync(Frame request, CancellationToken cancellationToken = default) =>
        _servers is { } servers ? servers.SendAsync(request, static (c, r, t) => c.SendLeasedAsync(r, t), _options.RequestsAreIdempotent, cancellationToken) :
        SendLeasedAsync(new CallRequest(request, default, Leases: true, Idempotent: false), cancellationToken);

    /// <summary>Sends a request frame, made as <paramref name="options"/> say, and waits for its response, which it returns over a pooled buffer.</summary>
    /// <param name="request">The request.</param>
    /// <param name="options">How this call differs from the client's options, for example <see cref="FrameCallOptions.IdempotentCall"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The response; dispose the lease once done with its content.</returns>
    /// <exception cref="FrameErrorReplyException">The server answered with an error reply (see <see cref="FrameErrors"/>).</exception>
    public ValueTask<FrameLease> SendLeasedAsync(Frame request, FrameCallOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (_servers is { } servers)
        {
            return servers.SendAsync((request, options), static (c, s, t) => c.SendLeasedAsync(s.request, s.options, t), options.Idempotent || _options.RequestsAreIdempotent, cancellationToken);
        }

        return SendLeasedAsync(new CallRequest(request, default, Leases: true, options.Idempotent), cancellationToken);
    }

    /// <summary>Sends a UTF-8 <c>text/json</c> request holding <paramref name="value"/> and waits for the response frame.</summary>
    /// <typeparam name="TRequest">The request content's type.</typeparam>
    /// <param name="value">The request content.</param>
    /// <param name="requestTypeInfo">Serialization metadata, from a source-generated context.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The response, owning its content; it may be JSON or binary.</returns>
    public ValueTask<Frame> SendJsonAsync<TRequest>(TRequest value, JsonTypeInfo<TRequest> requestTypeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestTypeInfo);
        if (_servers is { } servers)
        {
            return servers.SendAsync((value, requestTypeInfo), static (c, s, t) => c.SendJsonAsync(s.value, s.requestTypeInfo, t), _options.RequestsAreIdempotent, cancellationToken);
        }

        var encoded = new ArrayBufferWriter<byte>();
        JsonFrameWriter.Write(encoded, value, requestTypeInfo);
        return _telemetry is { IsEnabled: true } telemetry
            ? telemetry.ObserveAsync(encoded.WrittenMemory, false, cancellationToken)
            : SendUnobservedAsync(encoded.WrittenMemory, false, cancellationToken);
    }

    /// <summary>Sends a UTF-8 <c>text/json</c> request holding <paramref name="value"/> and reads the JSON response.</summary>
    /// <typeparam name="TRequest">The request content's type.</typeparam>
    /// <typeparam name="TResponse">The response content's type.</typeparam>
    /// <param name="value">The request content.</param>
    /// <param name="requestTypeInfo">Serialization metadata for the request, from a source-generated context.</param>
    /// <param name="responseTypeInfo">Serialization metadata for the response.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The deserialized response content.</returns>
    /// <exception cref="ProtocolException">The response is not <c>text/json</c> (<see cref="ProtocolError.NotJsonContent"/>) or its content is not valid JSON for <typeparamref name="TResponse"/>.</exception>
    public async ValueTask<TResponse?> SendJsonAsync<TRequest, TResponse>(TRequest value, JsonTypeInfo<TRequest> requestTypeInfo, JsonTypeInfo<TResponse> responseTypeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(responseTypeInfo);
        Frame response = await SendJsonAsync(value, requestTypeInfo, cancellationToken).ConfigureAwait(false);
        return JsonFrameReader.Read(response, responseTypeInfo);
    }

    // Telemetry (Diagnostics/ClientTelemetry.cs) works on the encoded request, to add its trace context to the header;
    // only observed calls are encoded here, so the unobserved path stays free of the copy.
    private static ReadOnlyMemory<byte> Encode(in Frame request)
    {
        CheckHeader(request.Header);
        var encoded = new ArrayBufferWriter<byte>();
        FrameWriter.Write(encoded, request);
        return encoded.WrittenMemory;
    }

    private ValueTask<Frame> SendUnobservedAsync(ReadOnlyMemory<byte> encoded, bool idempotent, CancellationToken cancellationToken) =>
        SendOwnedAsync(new CallRequest(default, encoded, Leases: false, idempotent), cancellationToken);

    private int CountOpenConnections()
    {
        lock (_open)
        {
            return _open.Count(static c => !c.IsClosed);
        }
    }

    /// <summary>Closes the client's connections; pending requests fail with <see cref="ObjectDisposedException"/>.</summary>
    /// <returns>A task that completes when the connections are closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_servers is { } servers)
        {
            await servers.DisposeAsync().ConfigureAwait(false);
        }

        FrameConnection[] connections;
        lock (_open)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            connections = [.. _open];
            _open.Clear();
        }

        Volatile.Write(ref _pool, []);
        foreach (FrameConnection connection in connections)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
