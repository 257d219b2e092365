using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace AppProtocol.Client;

/// <summary>Large content written from the caller's memory to the stream, after the bytes before it.</summary>
internal sealed partial class FrameConnection
{
    // Content at least this large is written from the caller's memory rather than copied into the pipe.
    private const int DirectWriteSize = 16 * 1024;

    // Copied into the pipe, content went out in a write per 4 KiB segment (a 1 MiB request cost 1.1 to 2.7 ms of
    // client CPU, docs/PERFORMANCE.md). Writing the header with the content in one gathered send made no measurable
    // difference, so the header is flushed on its own first.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> WriteDirectAsync(PipeWriter output, ReadOnlySequence<byte> content)
    {
        if (!Flushed(await output.FlushAsync().ConfigureAwait(false)))
        {
            return false;
        }

        foreach (ReadOnlyMemory<byte> segment in content)
        {
            await _stream.WriteAsync(segment).ConfigureAwait(false);
        }

        return true;
    }
}
