using AppProtocol.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AppProtocol.AspNetCore;

/// <summary>Ties a <see cref="FrameConnectionHandler"/> to the application's lifetime: a graceful stop when it stops, disposal when it has stopped.</summary>
internal static class KestrelShutdown
{
    public static void Register(FrameConnectionHandler handler, IServiceProvider services)
    {
        if (services.GetService<IHostApplicationLifetime>() is not { } lifetime)
        {
            return;
        }

        Task stopped = Task.CompletedTask;

        // Before Kestrel's own stop: idle AppProtocol connections close now, busy ones after their exchange, so
        // that Kestrel finds them done instead of aborting them after its timeout.
        lifetime.ApplicationStopping.Register(() => stopped = handler.StopAsync());
        lifetime.ApplicationStopped.Register(() =>
        {
            // Kestrel has stopped every connection by now, so the stop has ended too; its failures were logged.
            stopped.ContinueWith(static (_, state) => ((FrameConnectionHandler)state!).Dispose(), handler, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        });
    }
}
