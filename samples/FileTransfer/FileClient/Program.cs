using System.Text;
using AppProtocol.Client;
using AppProtocol.Framing;
using AppProtocol.Samples;
using AppProtocol.Samples.FileClient;

// file-client <host> <port> upload <path> [--overwrite]
// file-client <host> <port> download <name> <path> [--overwrite]
// Moves files of any size to and from file-server (samples/FileTransfer/README.md), never holding one in memory.
Console.OutputEncoding = Encoding.UTF8;
if (!FileCommand.TryParse(args, out FileCommand? command, out string? problem))
{
    if (problem is null)
    {
        Console.WriteLine(FileCommand.Usage);
    }
    else
    {
        Console.Error.WriteLine($"Error: {problem}");
    }

    return 1;
}

TransferDisplay display = Console.IsOutputRedirected ? new PlainProgress(Console.Out) : new TerminalProgress();
string address = PythonRepr.HostPort(command.Host, command.Port);
try
{
    await using var client = new FrameClient(new FrameClientOptions { Host = command.Host, Port = command.Port });
    var transfers = new Transfers(client, display, address);
    return command.IsUpload
        ? await transfers.UploadAsync(command.LocalPath, command.Overwrite)
        : await transfers.DownloadAsync(command.Name, command.LocalPath, command.Overwrite);
}
catch (FrameErrorReplyException ex)
{
    Console.Error.WriteLine($"Error: {ex.Message}");
    return 5;
}
catch (FrameClientException ex)
{
    Console.Error.WriteLine($"Error: {ex.Message}");
    return 2;
}
catch (ProtocolException ex)
{
    Console.Error.WriteLine($"Error: the server's answer broke the protocol ({ex.Error}): {ex.Message}");
    return 3;
}
catch (TimeoutException ex)
{
    Console.Error.WriteLine($"Error: {ex.Message}");
    return 4;
}
catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
{
    // The local file: missing, unreadable, or the disk is full.
    Console.Error.WriteLine($"Error: {ex.Message}");
    return 1;
}
