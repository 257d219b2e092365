// <readme:host-on-kestrel>
using AppProtocol.Framing;
using AppProtocol.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;   // UseAppProtocol sits beside Kestrel's UseHttps
// </readme:host-on-kestrel>

namespace ReadmeSnippets.HostOnKestrel;

/// <summary>The README's "Host on Kestrel": an ASP.NET Core application with an AppProtocol and an HTTP endpoint. Compiled, not run: its ports are fixed and it needs a certificate file.</summary>
public static class Snippet
{
    /// <summary>Runs the README's program until the application stops.</summary>
    /// <param name="args">The program's arguments.</param>
    /// <returns>A task that completes when the application has stopped.</returns>
    public static async Task RunAsync(string[] args)
    {
        // <readme:host-on-kestrel>
        FrameHandler handler = (exchange, cancellationToken) =>
        {
            exchange.Respond(Frame.Binary("binary/custom-server-binary-type", "pong"u8.ToArray()));
            return ValueTask.CompletedTask;
        };

        var builder = WebApplication.CreateSlimBuilder(args);             // dotnet new web; dotnet add package AppProtocol.AspNetCore
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenAnyIP(65432, listen => listen
                .UseHttps("server.pfx")                                    // optional; handlers see exchange.Connection.ClientCertificate
                .UseAppProtocol(handler, appProtocol => appProtocol.Options.IdleTimeout = TimeSpan.FromMinutes(1)));
            kestrel.ListenAnyIP(8080);                                     // HTTP
        });
        var app = builder.Build();
        app.MapGet("/", () => "Hello over HTTP");
        await app.RunAsync();
        // </readme:host-on-kestrel>
    }
}
