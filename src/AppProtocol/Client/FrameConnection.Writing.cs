using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using AppProtocol.Framing;

namespace AppProtocol.Client;

/// <summary>
/// The writer: the caller who queued a request while no writer was active encodes every queued request straight into
/// the pipe, flushes the batch once, and goes on while more are queued, so concurrent callers share one send.
/// </summary>
/// <remarks>
/// A flush that does not complete at once goes on in the background: no caller waits for others' writes, and a
/// caller who gives up leaves the write to finish on its own (a write ends when done or when its socket is closed,
/// never half-way). When a flush fails, the requests that went out whole (by the bytes the stream took) may have been
/// read and fail with the connection; the others cannot have been, and go out again on another connection.
/// </remarks>
internal sealed partial class FrameConnection
{
    // Only the writer touches these.
    private readonly List<PendingRequest> _batch = [];

    private async Task WriteQueuedAsync()
    {
        do
        {
            if (!_writeLock.Wait(0))
            {
                // Only a closing connection holds the lock without writing (a writer lets go of it before it stops
                // being the writer): its close hands the queued requests back.
                StopWriting();
                return;
            }

            try
            {
                while (TakeBatch())
                {
                    await WriteBatchAndSettleAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                _writeLock.Release();
            }
        }
        while (!MayStopWriting());
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteBatchAndSettleAsync()
    {
        bool flushed;
        Exception? error = null;
        try
        {
            flushed = await WriteBatchAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            flushed = false;
            error = ex;
        }

        FlushEnded(flushed, error);
    }

    /// <summary>Starts the writer: at once for a lone caller; after the continuations already queued when answers are
    /// still to come, since those wake other callers with their next requests and one flush then carries them all.</summary>
    private void StartWriter()
    {
        if (AnswersAreDue())
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
        else
        {
            _ = WriteQueuedAsync();
        }
    }

    void IThreadPoolWorkItem.Execute() => _ = WriteQueuedAsync();

    private bool AnswersAreDue()
    {
        lock (_pending)
        {
            return _pending.Count > 0;
        }
    }

    /// <summary>Stops being the writer unless requests were queued since the last batch (their callers saw a writer
    /// active and started none); called after the lock is released, so a writer started later always gets it.</summary>
    private bool MayStopWriting()
    {
        lock (_pending)
        {
            if (_closed || _toWrite.Count == 0)
            {
                _writerActive = false;
                return true;
            }

            return false;
        }
    }

    private void StopWriting()
    {
        lock (_pending)
        {
            _writerActive = false;
        }
    }

    /// <summary>Moves every queued request to the batch and the response queue, in order; <see langword="false"/> when
    /// none is left (the writer stays active until <see cref="MayStopWriting"/>).</summary>
    private bool TakeBatch()
    {
        lock (_pending)
        {
            if (_closed || _toWrite.Count == 0)
            {
                return false;
            }

            while (_toWrite.TryDequeue(out PendingRequest? request))
            {
                request.Stage = PendingRequest.WriteStage.Writing;
                request.EndOffset = long.MaxValue;
                request.AddOwner();
                _batch.Add(request);
                _pending.Enqueue(request);
                _requests++;
            }

            return true;
        }
    }

    /// <summary>Writes the batch and flushes it; <see langword="false"/> when the pipe was completed or cancelled.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> WriteBatchAsync()
    {
        PipeWriter output = _pipe.Output;
        foreach (PendingRequest request in _batch)
        {
            bool written = true;
            if (request.Encoded.Length >= DirectWriteSize)
            {
                written = await WriteDirectAsync(output, new ReadOnlySequence<byte>(request.Encoded)).ConfigureAwait(false);
            }
            else if (!request.Encoded.IsEmpty)
            {
                output.Write(request.Encoded.Span);
            }
            else if (request.Request.Content.Length < DirectWriteSize)
            {
                FrameWriter.Write(output, request.Request);
            }
            else
            {
                FrameWriter.WriteHeader(output, request.Request.Header);
                written = await WriteDirectAsync(output, request.Request.Content).ConfigureAwait(false);
            }

            if (!written)
            {
                return false;
            }

            // Counted from the connection's first byte: what the stream took, and what the pipe holds.
            request.EndOffset = _stream.Written + output.UnflushedBytes;
        }

        return Flushed(await output.FlushAsync().ConfigureAwait(false));
    }

    private static bool Flushed(FlushResult result) => !result.IsCompleted && !result.IsCanceled;

    /// <summary>Marks the batch written, or, when the flush failed or the connection closed meanwhile, completes each request as far as it got.</summary>
    private void FlushEnded(bool flushed, Exception? error)
    {
        long written = _stream.Written;
        bool closedBefore;
        lock (_pending)
        {
            closedBefore = _closed;
            foreach (PendingRequest request in _batch)
            {
                bool whole = flushed || request.EndOffset <= written;
                if (!closedBefore && whole)
                {
                    request.Stage = PendingRequest.WriteStage.Written;
                }
                else if (!whole)
                {
                    // Goes out again elsewhere (or fails as unsent); the close must not fail it as maybe processed.
                    request.Detached = true;
                }
            }
        }

        if (!flushed && !closedBefore)
        {
            WriteFailed(error);
        }

        if (!flushed || closedBefore)
        {
            foreach (PendingRequest request in _batch)
            {
                CompleteAfterFailedWrite(request, whole: flushed || request.EndOffset <= written, closedBefore);
            }
        }

        foreach (PendingRequest request in _batch)
        {
            request.ReleaseOwner();
        }

        _batch.Clear();
    }

    private void CompleteAfterFailedWrite(PendingRequest request, bool whole, bool closedBefore)
    {
        if (request.TimedOutWhileWriting)
        {
            request.Fail(ClientFailures.TimedOut(_peer, _options.RequestTimeout, sent: whole));
        }
        else if (!whole)
        {
            // The frame did not go out whole: the server cannot have processed it.
            if (_clientDisposed)
            {
                request.Fail(new ObjectDisposedException(nameof(FrameClient), "The client was disposed."));
            }
            else
            {
                request.ReleaseUnread(ClientFailures.BrokenWhileSending);
            }
        }
        else if (closedBefore && !request.Detached)
        {
            // The close left it to this writer, which knows now that it went out whole.
            request.Fail(_closeFailure?.Invoke(request) ?? ClientFailures.Lost(_closeReason, request, null));
        }
    }

    /// <summary>Part of a frame may be on the wire: the stream cannot carry another frame.</summary>
    private void WriteFailed(Exception? error)
    {
        if (RequestUnreadException.IsReset(error))
        {
            ServerClosed(requestWaiting: true);
        }

        string what = error is null
            ? $"The connection to {_peer} closed while a request was being sent."
            : $"Sending a request to {_peer} failed: {error.Message}";
        Close(what, null);
    }

    /// <summary>Empties the queue of requests not yet written. Call under the lock.</summary>
    private PendingRequest[]? TakeUnwritten()
    {
        if (_toWrite.Count == 0)
        {
            return null;
        }

        PendingRequest[] unwritten = [.. _toWrite];
        _toWrite.Clear();
        return unwritten;
    }

    /// <summary>Gives requests that were never written back to their callers, who try another connection.</summary>
    private static void HandBack(PendingRequest[]? unwritten)
    {
        foreach (PendingRequest request in unwritten ?? [])
        {
            request.HandBack();
            request.ReleaseOwner();
        }
    }
}
