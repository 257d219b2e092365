using System.Runtime.CompilerServices;
using AppProtocol.Framing;

namespace AppProtocol.Client;

/// <summary>One call: its timeout, its turn while the client learns how the server treats connections, and its re-sends.</summary>
public sealed partial class FrameClient
{
    // A request that the server cannot have read goes out on this many connections at most.
    private const int MaxAttempts = 3;

    private readonly BoundedPool<PendingRequest> _requests = new(256);
    private readonly CallTimeouts _timeouts;

    /// <summary>Throws for a header that cannot be encoded, before the request is queued on a connection.</summary>
    private static void CheckHeader(in FrameHeader header)
    {
        ArgumentNullException.ThrowIfNull(header.ContentType, nameof(header));
        ArgumentNullException.ThrowIfNull(header.ContentEncoding, nameof(header));
        _ = HeaderWriter.GetLength(header);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<Frame> SendOwnedAsync(CallRequest call, CancellationToken cancellationToken)
    {
        if (call.Encoded.IsEmpty)
        {
            CheckHeader(call.Frame.Header);
        }

        (PendingRequest answered, Frame response) = await SendCallAsync(call, cancellationToken).ConfigureAwait(false);
        answered.ReleaseOwner();
        return response;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<FrameLease> SendLeasedAsync(CallRequest call, CancellationToken cancellationToken)
    {
        CheckHeader(call.Frame.Header);
        (PendingRequest answered, Frame response) = await SendCallAsync(call, cancellationToken).ConfigureAwait(false);
        return new FrameLease(answered, response);
    }

    /// <summary>Makes the call; returns the response and the request that owns it (the caller lets go of it).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(PendingRequest Answered, Frame Response)> SendCallAsync(CallRequest call, CancellationToken cancellationToken)
    {
        CancellationTokenSource? timeout = _timeouts.Start();
        CancellationToken timeoutToken = timeout?.Token ?? default;
        var tokens = new CallTokens(cancellationToken, timeoutToken);
        bool turn = false;
        try
        {
            turn = _reuse.Current != ConnectionReuse.Mode.Unknown ? false : await EnterTurnAsync(tokens).ConfigureAwait(false);
            return await SendWithResendsAsync(call, tokens).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeoutToken.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The time ran out before the request went out (connecting, or waiting for its turn).
            throw ClientFailures.TimedOut(_options.Describe(), _options.RequestTimeout, sent: false);
        }
        finally
        {
            _reuse.Exit(turn);
            _timeouts.End(timeout);
        }
    }

    /// <summary>Waits for the call's turn while the client has not learned yet whether requests may be pipelined.</summary>
    private async ValueTask<bool> EnterTurnAsync(CallTokens tokens)
    {
        using CancellationTokenSource? linked = tokens.Link(out CancellationToken either);
        return await _reuse.EnterAsync(either).ConfigureAwait(false);
    }

    /// <summary>Sends the request, and again on a new connection when the server cannot have read it.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(PendingRequest Answered, Frame Response)> SendWithResendsAsync(CallRequest call, CallTokens tokens)
    {
        string? resentBecause = null;
        for (int attempt = 1; ;)
        {
            FrameConnection connection;
            try
            {
                connection = await GetConnectionAsync(tokens).ConfigureAwait(false);
            }
            catch (FrameClientException ex) when (resentBecause is not null)
            {
                throw ClientFailures.ResendFailed(ex, resentBecause);
            }

            PendingRequest pending = PendingRequest.Rent(_requests, call.Frame, call.Encoded, call.Leases);
            pending.Tokens = tokens;
            SendOutcome outcome;
            try
            {
                outcome = await connection.SendAsync(pending).ConfigureAwait(false);
            }
            catch (FrameClientException ex) when ((call.Idempotent || _options.RequestsAreIdempotent) && !ex.RequestNotProcessed && attempt < MaxAttempts && !tokens.IsCancellationRequested)
            {
                pending.ReleaseOwner();
                attempt++;
                FrameClientLog.IdempotentRequestResent(_logger, _options.Describe(), ex);
                continue;
            }
            catch
            {
                pending.ReleaseOwner();
                throw;
            }
            finally
            {
                if (connection.IsSingleUse)
                {
                    connection.Retire();
                }
            }

            if (outcome.Response is { } response)
            {
                return FrameErrors.TryGetError(response.Header, out string code, out string? message)
                    ? throw ErrorReply(pending, response, code, message)
                    : (pending, response);
            }

            long contentLength = pending.ContentLength;
            pending.ReleaseOwner();

            // Not written, because the connection took no more requests: no attempt spent, try another.
            if (outcome.ResendReason is not { } reason)
            {
                continue;
            }

            if (attempt++ == MaxAttempts)
            {
                throw ClientFailures.NeverRead(_options.Describe(), MaxAttempts, reason, contentLength);
            }

            resentBecause = reason;
            FrameClientLog.RequestResent(_logger, _options.Describe(), reason);
        }
    }

    /// <summary>The error reply owns its content (a pooled one is copied), and the request is let go.</summary>
    private FrameErrorReplyException ErrorReply(PendingRequest pending, Frame response, string code, string? message)
    {
        Frame reply = pending.Leases ? response.Clone() : response;
        pending.ReleaseOwner();
        return new FrameErrorReplyException(code, message, reply, _options.Describe());
    }

    /// <summary>What a call sends (the caller's frame, or a frame already encoded), how its response is kept, and whether it may be processed twice.</summary>
    private readonly record struct CallRequest(Frame Frame, ReadOnlyMemory<byte> Encoded, bool Leases, bool Idempotent);
}
