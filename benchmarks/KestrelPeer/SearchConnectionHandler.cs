using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;

namespace KestrelPeer;

/// <summary>
/// The frame loop a competent user writes on Kestrel: parse every whole frame in the buffer (header with
/// Utf8JsonReader, content with a source-generated serializer), write the answers, flush once per read.
/// </summary>
internal sealed class SearchConnectionHandler : ConnectionHandler
{
    private const int MaxContent = 16 * 1024 * 1024;

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        PipeReader input = connection.Transport.Input;
        PipeWriter output = connection.Transport.Output;
        var responses = new ResponseWriter(output);
        while (true)
        {
            ReadResult read = await input.ReadAsync();
            ReadOnlySequence<byte> buffer = read.Buffer;
            bool answered = false;
            while (TryReadFrame(ref buffer, out RequestHeader header, out ReadOnlySequence<byte> content))
            {
                Respond(responses, header, content);
                answered = true;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (answered)
            {
                await output.FlushAsync();
            }

            if (read.IsCompleted)
            {
                return;
            }
        }
    }

    private static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out RequestHeader header, out ReadOnlySequence<byte> content)
    {
        header = default;
        content = default;
        if (buffer.Length < 2)
        {
            return false;
        }

        Span<byte> prefix = stackalloc byte[2];
        buffer.Slice(0, 2).CopyTo(prefix);
        int headerLength = BinaryPrimitives.ReadUInt16BigEndian(prefix);
        if (buffer.Length < 2 + headerLength)
        {
            return false;
        }

        header = RequestHeader.Parse(buffer.Slice(2, headerLength));
        if (header.ContentLength is < 0 or > MaxContent)
        {
            throw new InvalidDataException("Bad content-length.");
        }

        long frameLength = 2 + headerLength + header.ContentLength;
        if (buffer.Length < frameLength)
        {
            return false;
        }

        content = buffer.Slice(2 + headerLength, header.ContentLength);
        buffer = buffer.Slice(frameLength);
        return true;
    }

    private static void Respond(ResponseWriter output, in RequestHeader header, in ReadOnlySequence<byte> content)
    {
        if (header.ContentType == "text/json")
        {
            var reader = new Utf8JsonReader(content);
            SearchRequest? request = JsonSerializer.Deserialize(ref reader, PeerJsonContext.Default.SearchRequest);
            output.WriteJson(new SearchResponse(Answers.For(request)));
            return;
        }

        Span<byte> quoted = stackalloc byte[Answers.BinaryPrefix.Length + 10];
        Answers.BinaryPrefix.CopyTo(quoted);
        int first = (int)Math.Min(10, content.Length);
        content.Slice(0, first).CopyTo(quoted[Answers.BinaryPrefix.Length..]);
        output.Write("binary/custom-server-binary-type", "binary", quoted[..(Answers.BinaryPrefix.Length + first)]);
    }
}
