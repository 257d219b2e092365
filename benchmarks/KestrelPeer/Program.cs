using System.Net;
using KestrelPeer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// KestrelPeer [host] [port] [--inline]: the sample application (SPEC section 3) as a Kestrel ConnectionHandler.
string host = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "127.0.0.1";
int port = args.Length > 1 && int.TryParse(args[1], out int p) ? p : 0;
bool inline = args.Contains("--inline");

WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = inline);
builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Parse(host), port, l => l.UseConnectionHandler<SearchConnectionHandler>()));
WebApplication app = builder.Build();
await app.StartAsync();
var addresses = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
    .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses;
Console.WriteLine($"Listening on {new Uri(addresses.First()).Host}:{new Uri(addresses.First()).Port}");
await app.WaitForShutdownAsync();
