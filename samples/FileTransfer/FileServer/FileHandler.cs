using System.Buffers;
using System.Text.Json;
using AppProtocol.Framing;
using AppProtocol.Samples;
using AppProtocol.Server;
using Microsoft.Win32.SafeHandles;

namespace FileServer;

/// <summary>Answers <c>upload</c> and <c>download</c> requests, named in the header's extra members (samples/FileTransfer/README.md).</summary>
/// <remarks>
/// The action is in the header, not in the content, because an upload's content is the file: the server streams it
/// to a temporary file as it arrives, checks its length, and renames it into place only when it is whole. A download
/// is sent with <see cref="FrameExchange.RespondFileAsync"/>, its length in the header. Rejections are bad-request
/// error replies.
/// </remarks>
public sealed class FileHandler(FileStore store, TextWriter log)
{
    /// <summary>The content type of a downloaded file.</summary>
    public const string FileContentType = "binary/octet-stream";

    public async ValueTask HandleAsync(FrameExchange exchange, CancellationToken cancellationToken)
    {
        FrameHeader header = exchange.RequestHeader;
        string? action = StringMember(header, "action");
        string? name = StringMember(header, "name");
        string peer = PythonRepr.Address(exchange.Connection.RemoteEndPoint);
        if (action is not ("upload" or "download"))
        {
            Reject(exchange, peer, $"The header's 'action' must be \"upload\" or \"download\", not {(action is null ? "missing" : $"\"{action}\"")}.");
        }
        else if (!FileNames.IsAllowed(name, out string reason))
        {
            Reject(exchange, peer, reason);
        }
        else if (action == "upload")
        {
            await UploadAsync(exchange, name!, IsTrue(header, "overwrite"), peer, cancellationToken);
        }
        else
        {
            await DownloadAsync(exchange, name!, peer, cancellationToken);
        }
    }

    private async ValueTask UploadAsync(FrameExchange exchange, string name, bool overwrite, string peer, CancellationToken cancellationToken)
    {
        string path = store.PathOf(name);
        if (!overwrite && File.Exists(path))
        {
            Reject(exchange, peer, $"'{name}' exists; send \"overwrite\": true to replace it.");
            return;
        }

        long length = exchange.RequestHeader.ContentLength;
        string temporary = store.NewTemporaryPath();
        try
        {
            // Preallocated: the file system places the whole file at once rather than as it grows.
            using (SafeFileHandle file = File.OpenHandle(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.Asynchronous, preallocationSize: length))
            {
                // The content ends after exactly content-length bytes, or throws if the client's stream ends first.
                long written = await ContentToFile.CopyAsync(exchange.RequestContent, file, cancellationToken);
                if (written != length)
                {
                    throw new IOException($"Wrote {written} bytes of the {length} declared.");
                }
            }

            File.Move(temporary, path, overwrite);
        }
        catch (IOException) when (!overwrite && File.Exists(path))
        {
            File.Delete(temporary);
            Reject(exchange, peer, $"'{name}' exists; send \"overwrite\": true to replace it.");
            return;
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        log.WriteLine($"Stored '{name}' ({length} bytes) from {peer}");
        RespondJson(exchange, name, length);
    }

    private async ValueTask DownloadAsync(FrameExchange exchange, string name, string peer, CancellationToken cancellationToken)
    {
        string path = store.PathOf(name);
        if (!File.Exists(path))
        {
            Reject(exchange, peer, $"No file is named '{name}'.");
            return;
        }

        await exchange.RespondFileAsync(FileContentType, path, cancellationToken);
        log.WriteLine($"Sent '{name}' ({new FileInfo(path).Length} bytes) to {peer}");
    }

    private void Reject(FrameExchange exchange, string peer, string reason)
    {
        log.WriteLine($"Rejected a request from {peer}: {reason}");
        exchange.RespondError(FrameErrors.BadRequest, reason);
    }

    private static void RespondJson(FrameExchange exchange, string name, long length)
    {
        var content = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(content))
        {
            json.WriteStartObject();
            json.WriteString("result", "stored");
            json.WriteString("name", name);
            json.WriteNumber("length", length);
            json.WriteEndObject();
        }

        exchange.Respond(FrameHeader.Json(content.WrittenCount), content.WrittenSpan);
    }

    private static string? StringMember(in FrameHeader header, string member) =>
        header.ExtraMembers?.TryGetValue(member, out JsonElement value) == true && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool IsTrue(in FrameHeader header, string member) =>
        header.ExtraMembers?.TryGetValue(member, out JsonElement value) == true && value.ValueKind == JsonValueKind.True;
}
