using System.Text;
using AppProtocol.Client;
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
catch (Exception ex) when (Failures.ExitCode(ex) is > 0 and int code)
{
    Console.Error.WriteLine(Failures.Line(ex));
    return code;
}
