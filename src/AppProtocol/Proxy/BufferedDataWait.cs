using AppProtocol.Transport.Features;

namespace AppProtocol.Proxy;

/// <summary>
/// A transport's wait for data once its pipe holds bytes already (those that arrived with the PROXY header): the
/// first wait ends at once, since the socket has nothing new to say about them; later ones are the transport's.
/// </summary>
internal sealed class BufferedDataWait(IWaitForDataFeature inner) : IWaitForDataFeature
{
    private bool _buffered = true;

    public bool IsDataAvailable => _buffered || inner.IsDataAvailable;

    public ValueTask<int> WaitForDataAsync()
    {
        if (_buffered)
        {
            _buffered = false;
            return ValueTask.FromResult(0);
        }

        return inner.WaitForDataAsync();
    }

    public void EndWait() => inner.EndWait();
}
