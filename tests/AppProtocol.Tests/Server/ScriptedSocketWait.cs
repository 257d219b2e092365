using System.Buffers;
using System.IO.Pipelines;
using AppProtocol.Transport.Features;
using Microsoft.AspNetCore.Connections;

namespace AppProtocol.Tests.Server;

/// <summary>
/// A socket's wait for data, scripted, for a connection of the in-memory transport. The client's bytes pass through a
/// pump (the socket) into a new pipe that the server reads; the wait watches the pump, as a zero-byte receive watches the
/// socket, and never the pipe: the frame loop holds that pipe's buffer while a buffered request's handler runs, so a
/// wait reading it would fail. The call numbered <c>spuriousCall</c> completes at once with nothing to read, as a
/// readiness event already spent by an earlier read does; <see cref="Rewatched"/> completes on the call after it.
/// </summary>
internal sealed class ScriptedSocketWait(int spuriousCall) : IWaitForDataFeature
{
    private readonly Lock _gate = new();
    private readonly Pipe _received = new();
    private readonly TaskCompletionSource _rewatched = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<int>? _pending;
    private int _calls;
    private bool _unseen;
    private bool _sawData;
    private bool _ended;

    /// <summary>Completes when the wait after the spurious one is issued.</summary>
    public Task Rewatched => _rewatched.Task;

    /// <summary>Bytes arrived that no wait reported yet, or the last wait ended because bytes arrived.</summary>
    public bool IsDataAvailable
    {
        get
        {
            lock (_gate)
            {
                return _unseen || _sawData;
            }
        }
    }

    /// <summary>Connection middleware that puts this wait, and its pump, under the connection.</summary>
    public Func<ConnectionDelegate, ConnectionDelegate> Middleware => next => context =>
    {
        _ = PumpAsync(context.Transport.Input);
        context.Transport = new DuplexPipe(_received.Reader, context.Transport.Output);
        context.Features.Set<IWaitForDataFeature>(this);
        return next(context);
    };

    public ValueTask<int> WaitForDataAsync()
    {
        lock (_gate)
        {
            int call = ++_calls;
            _sawData = false;
            if (call == spuriousCall)
            {
                return new(0);
            }

            if (call == spuriousCall + 1)
            {
                _rewatched.TrySetResult();
            }

            if (_unseen)
            {
                _unseen = false;
                _sawData = true;
                return new(0);
            }

            if (_ended)
            {
                return new(0);
            }

            _pending = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            return new(_pending.Task);
        }
    }

    /// <summary>As a socket's receive shutdown: the pending wait and every later one end at once.</summary>
    public void EndWait() => Ended();

    private async Task PumpAsync(PipeReader socket)
    {
        PipeWriter into = _received.Writer;
        Exception? error = null;
        try
        {
            while (true)
            {
                ReadResult result = await socket.ReadAsync();
                bool arrived = !result.Buffer.IsEmpty;
                foreach (ReadOnlyMemory<byte> segment in result.Buffer)
                {
                    into.Write(segment.Span);
                }

                socket.AdvanceTo(result.Buffer.End);
                if (arrived && (await into.FlushAsync()).IsCompleted)
                {
                    break;
                }

                if (arrived)
                {
                    Arrived();
                }

                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            error = ex;
        }
        finally
        {
            await into.CompleteAsync(error);
            await socket.CompleteAsync();
            Ended();
        }
    }

    private void Arrived()
    {
        TaskCompletionSource<int>? pending;
        lock (_gate)
        {
            pending = _pending;
            _pending = null;
            _unseen = pending is null;
            _sawData = pending is not null;
        }

        pending?.TrySetResult(0);
    }

    private void Ended()
    {
        TaskCompletionSource<int>? pending;
        lock (_gate)
        {
            _ended = true;
            pending = _pending;
            _pending = null;
        }

        pending?.TrySetResult(0);
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
