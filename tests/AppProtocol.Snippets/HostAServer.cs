// <readme:host-a-server>
using System.Text.Json.Serialization;
using AppProtocol.Server;
using AppProtocol.Transport;
using Microsoft.Extensions.Logging;
// </readme:host-a-server>

namespace ReadmeSnippets.HostAServer;

/// <summary>The README's "Host a server": a console program that serves until Enter is pressed.</summary>
public static class Snippet
{
    /// <summary>Runs the README's program.</summary>
    /// <param name="listen">For the tests: replaces the README's listen address (port 65432), e.g. with a loopback port 0.</param>
    /// <param name="whileServing">For the tests: runs once the server listens, instead of waiting for Enter; the server is disposed when it completes.</param>
    /// <returns>A task that completes when the server is stopped and disposed.</returns>
    public static async Task RunAsync(ListenAddress? listen = null, Func<FrameServer, Task>? whileServing = null)
    {
        // <readme:host-a-server>
        using ILoggerFactory loggerFactory = LoggerFactory.Create(logging => logging.AddConsole());   // package Microsoft.Extensions.Logging.Console
        var options = new FrameServerOptions { IdleTimeout = TimeSpan.FromMinutes(1) };
        options.Listen.Add(ListenAddress.Tcp("", 65432));      // "" = every interface (dual-mode IPv6/IPv4); or ListenAddress.Unix("/tmp/app.sock")
        // </readme:host-a-server>
        if (listen is not null)
        {
            options.Listen[0] = listen;
        }

        // <readme:host-a-server>
        await using var server = new FrameServer(options, (exchange, cancellationToken) =>
        {
            // exchange.Request is the request frame; answer it once: Respond, RespondJson or RespondError.
            exchange.RespondJson(new Reply("ok"), ServerJson.Default.Reply);
            return ValueTask.CompletedTask;
        }, loggerFactory);
        await server.StartAsync();
        // </readme:host-a-server>
        if (whileServing is not null)
        {
            await whileServing(server);
            return;
        }

        // <readme:host-a-server>
        Console.WriteLine($"Listening on {server.EndPoints[0]}; press Enter to stop");
        Console.ReadLine();
        await server.StopAsync();                              // stops accepting; the exchanges in flight finish
        // </readme:host-a-server>
    }
}

// <readme:host-a-server>
record Reply(string Result);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]   // {"result": "ok"}, as the reference answers
[JsonSerializable(typeof(Reply))]
partial class ServerJson : JsonSerializerContext;
// </readme:host-a-server>
