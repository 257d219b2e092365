using System.Buffers;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Security;
using AppProtocol.Framing;
using AppProtocol.Transport;

namespace AppProtocol.Server;

/// <summary>Settings of a <see cref="FrameServer"/>.</summary>
public sealed class FrameServerOptions
{
    /// <summary>The addresses to listen on; at least one.</summary>
    public IList<ListenAddress> Listen { get; } = [];

    /// <summary>Limits every request frame must respect; a frame over them closes its connection.</summary>
    public FrameLimits Limits { get; set; } = FrameLimits.Default;

    /// <summary>How long a connection may send nothing between frames before it is closed. Default 2 minutes; <see cref="Timeout.InfiniteTimeSpan"/> disables it.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a whole frame may take to arrive, counted from its first byte, so that a slow trickle cannot hold a connection (slowloris). Default 30 seconds.</summary>
    public TimeSpan FrameTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Connections served at once; a connection over it is accepted and closed at once. Default 10,000.</summary>
    public int MaxConcurrentConnections { get; set; } = 10_000;

    /// <summary>Whether to close each connection after its first response, as the reference server does. Default <see langword="false"/> (keep-alive).</summary>
    public bool CloseAfterResponse { get; set; }

    /// <summary>How long <see cref="FrameServer.StopAsync"/> lets exchanges in flight finish before it aborts their connections. Default 30 seconds.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a TLS handshake may take. Default 10 seconds.</summary>
    public TimeSpan TlsHandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// TLS settings, or <see langword="null"/> for plaintext. Set <see cref="SslServerAuthenticationOptions.ServerCertificate"/>;
    /// for mutual TLS also <see cref="SslServerAuthenticationOptions.ClientCertificateRequired"/> and
    /// <see cref="SslServerAuthenticationOptions.RemoteCertificateValidationCallback"/>.
    /// </summary>
    public SslServerAuthenticationOptions? Tls { get; set; }

    /// <summary>The pending-connection queue length of each listener. Default 512.</summary>
    public int Backlog { get; set; } = 512;

    /// <summary>Where connections rent their read and write buffers; <see cref="MemoryPool{T}.Shared"/> when <see langword="null"/>. Pass one to bound or observe buffer use: every buffer is returned when its connection closes.</summary>
    public MemoryPool<byte>? MemoryPool { get; set; }

    /// <summary>The clock for timeouts and durations; tests pass a fake one.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Creates the <c>AppProtocol</c> meter; <see langword="null"/> uses a shared one.</summary>
    public IMeterFactory? MeterFactory { get; set; }

    /// <summary>Called when a connection is accepted, with its number and the client's end point. Must not throw (exceptions are logged).</summary>
    public Action<long, EndPoint?>? ConnectionOpened { get; set; }

    /// <summary>Called when a connection is closed, with its number and the client's end point. Must not throw (exceptions are logged).</summary>
    public Action<long, EndPoint?>? ConnectionClosed { get; set; }

    internal void Validate()
    {
        if (Listen.Count == 0)
        {
            throw new InvalidOperationException("No listen address: add one to FrameServerOptions.Listen.");
        }

        ArgumentNullException.ThrowIfNull(Limits);
        ArgumentNullException.ThrowIfNull(TimeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentConnections, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(Backlog, 1);
        foreach (TimeSpan timeout in (ReadOnlySpan<TimeSpan>)[IdleTimeout, FrameTimeout, ShutdownTimeout, TlsHandshakeTimeout])
        {
            if (timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "Timeouts must be positive or Timeout.InfiniteTimeSpan.");
            }
        }
    }
}
