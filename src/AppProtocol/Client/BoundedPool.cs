namespace AppProtocol.Client;

/// <summary>
/// A small lock-free pool of reusable objects, as Microsoft.Extensions.ObjectPool's default pool: a fast slot, then a
/// fixed array. When it is empty <see cref="TryRent"/> fails and the caller creates one; when full, a returned object
/// is dropped for the GC. Sized for the calls a client has in flight at once.
/// </summary>
internal sealed class BoundedPool<T>(int capacity)
    where T : class
{
    private readonly T?[] _items = new T?[capacity - 1];
    private T? _first;

    public bool TryRent(out T item)
    {
        T? first = _first;
        if (first is not null && Interlocked.CompareExchange(ref _first, null, first) == first)
        {
            item = first;
            return true;
        }

        T?[] items = _items;
        for (int i = 0; i < items.Length; i++)
        {
            T? candidate = items[i];
            if (candidate is not null && Interlocked.CompareExchange(ref items[i], null, candidate) == candidate)
            {
                item = candidate;
                return true;
            }
        }

        item = null!;
        return false;
    }

    public void Return(T item)
    {
        if (_first is null && Interlocked.CompareExchange(ref _first, item, null) is null)
        {
            return;
        }

        T?[] items = _items;
        for (int i = 0; i < items.Length && Interlocked.CompareExchange(ref items[i], item, null) is not null; i++)
        {
        }
    }
}
