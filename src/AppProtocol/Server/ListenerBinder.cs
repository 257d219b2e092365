using System.Net;
using System.Net.Sockets;
using AppProtocol.Diagnostics;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace AppProtocol.Server;

/// <summary>Binds what a listen address names: every address of a host name, IPv4 where IPv6 is disabled.</summary>
internal static class ListenerBinder
{
    public static async Task<IReadOnlyList<IConnectionListener>> BindAsync(ListenerSpec spec, ILogger logger, CancellationToken cancellationToken)
    {
        if (spec.Address is null)
        {
            return [await spec.Factory.BindAsync(spec.EndPoint!, cancellationToken).ConfigureAwait(false)];
        }

        IReadOnlyList<EndPoint> endPoints = await spec.Address.ResolveAsync(cancellationToken).ConfigureAwait(false);
        if (endPoints.Count == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound, $"'{spec.Address.Host}' has no address.");
        }

        var listeners = new List<IConnectionListener>();
        try
        {
            for (int i = 0; i < endPoints.Count; i++)
            {
                try
                {
                    listeners.Add(await BindOneAsync(spec.Factory, endPoints[i], cancellationToken).ConfigureAwait(false));
                }
                catch (SocketException ex) when (endPoints.Count > 1 && (listeners.Count > 0 || i < endPoints.Count - 1))
                {
                    // A name such as localhost may resolve to ::1 on a machine without IPv6: serve its other addresses.
                    ServerLog.BindSkipped(logger, endPoints[i], spec.Address.ToString(), ex);
                }
            }
        }
        catch
        {
            await Task.WhenAll(listeners.Select(l => l.DisposeAsync().AsTask())).ConfigureAwait(false);
            throw;
        }

        return listeners.Count > 0
            ? listeners
            : throw new SocketException((int)SocketError.AddressNotAvailable, $"No address of {spec.Address} could be bound.");
    }

    private static async Task<IConnectionListener> BindOneAsync(IConnectionListenerFactory factory, EndPoint endPoint, CancellationToken cancellationToken)
    {
        try
        {
            return await factory.BindAsync(endPoint, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException) when (endPoint is IPEndPoint { Address: var any, Port: var port } && any.Equals(IPAddress.IPv6Any))
        {
            // The system has IPv6 sockets but IPv6 is disabled: every interface then means every IPv4 interface.
            return await factory.BindAsync(new IPEndPoint(IPAddress.Any, port), cancellationToken).ConfigureAwait(false);
        }
    }
}
