using System.Net;
using System.Net.Security;
using AppProtocol.Transport;
using Microsoft.AspNetCore.Connections;

namespace AppProtocol.Server;

/// <summary>One thing a <see cref="FrameServer"/> binds: a transport and either an end point or a listen address to resolve.</summary>
internal sealed record ListenerSpec(IConnectionListenerFactory Factory, EndPoint? EndPoint, ListenAddress? Address, SslServerAuthenticationOptions? Tls);
