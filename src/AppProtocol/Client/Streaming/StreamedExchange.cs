using System.Net.Sockets;
using AppProtocol.Framing;

namespace AppProtocol.Client.Streaming;

/// <summary>
/// One streamed exchange: connect, write the request while watching for the answer, return the answer's header with
/// the connection still open for its content.
/// </summary>
/// <remarks>
/// The answer is read while the request content is still going out: a server that refuses a large upload answers
/// before it has read it (and then closes), and that answer, not the broken write, is what the caller gets.
/// </remarks>
internal static class StreamedExchange
{
    // After a write fails, how long an answer already on its way may take to be read.
    private static readonly TimeSpan AnswerGrace = TimeSpan.FromSeconds(1);

    /// <summary>Sends the request on a connection of its own; returns the connection and the response's head.</summary>
    public static async Task<(StreamedConnection Connection, ResponseHead Head)> StartAsync(
        FrameClientOptions options, StreamedRequest request, FrameLimits limits, IdleTimeout timeout, CancellationToken cancellationToken)
    {
        StreamedConnection connection = await StreamedConnection.OpenAsync(options, timeout.Token).ConfigureAwait(false);
        try
        {
            ResponseHead head = await SendAsync(connection, request, limits, timeout, cancellationToken).ConfigureAwait(false);
            return (connection, head);
        }
        catch
        {
            connection.Reset();
            throw;
        }
    }

    private static async Task<ResponseHead> SendAsync(StreamedConnection connection, StreamedRequest request, FrameLimits limits, IdleTimeout timeout, CancellationToken cancellationToken)
    {
        // Ended by the connection's reset when the exchange fails; its fault is then nobody's concern.
        Task<ResponseHead?> answer = ResponseHead.ReadAsync(connection.Stream, limits, CancellationToken.None);
        _ = answer.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            await request.WriteAsync(connection.Output, timeout, answer).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsTimeout(cancellationToken))
        {
            throw StreamingFailures.SendStalled(connection.Server, request, timeout.Limit);
        }
        catch (Exception ex) when (!request.SourceFailed && ex is IOException or SocketException or ObjectDisposedException)
        {
            if (await AnswerWithinGraceAsync(answer).ConfigureAwait(false) is { } early)
            {
                return early;
            }

            throw StreamingFailures.BrokeWhileSending(connection.Server, request, ex);
        }

        if (!answer.IsCompleted && !request.IsWhole)
        {
            throw StreamingFailures.SourceTooShort(request.Header, request.Sent);
        }

        timeout.Start();
        try
        {
            return await AnswerAsync(connection, answer.WaitAsync(timeout.Token)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsTimeout(cancellationToken))
        {
            throw StreamingFailures.NoAnswer(connection.Server, timeout.Limit);
        }
        finally
        {
            timeout.Stop();
        }
    }

    private static async Task<ResponseHead?> AnswerWithinGraceAsync(Task<ResponseHead?> answer)
    {
        try
        {
            return await answer.WaitAsync(AnswerGrace).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or TimeoutException or ProtocolException)
        {
            return null;
        }
    }

    // The head, or why there is none: a protocol error is the server's answer; a close or failure is a lost connection.
    private static async Task<ResponseHead> AnswerAsync(StreamedConnection connection, Task<ResponseHead?> answer)
    {
        try
        {
            return await answer.ConfigureAwait(false) ?? throw StreamingFailures.ClosedBeforeAnswer(connection.Server, null);
        }
        catch (ProtocolException ex) when (ex.Error == ProtocolError.TruncatedFrame)
        {
            throw StreamingFailures.ClosedBeforeAnswer(connection.Server, ex);
        }
        catch (Exception ex) when (ex is (IOException and not FrameClientException and not ProtocolException) or SocketException)
        {
            throw StreamingFailures.ClosedBeforeAnswer(connection.Server, ex);
        }
    }
}
