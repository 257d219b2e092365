using System.Net;
using System.Net.Sockets;

namespace AppProtocol.Rolling;

/// <summary>Waits until something accepts connections on a loopback port (a balancer that prints nothing when it is ready).</summary>
internal static class Listening
{
    public static async Task WaitAsync(int port, TimeSpan patience)
    {
        using var timeout = new CancellationTokenSource(patience);
        while (true)
        {
            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await probe.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, timeout.Token);
            }
        }
    }
}
