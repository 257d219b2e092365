using System.Collections;
using AppProtocol.Transport.Features;
using Microsoft.AspNetCore.Http.Features;

namespace AppProtocol.Transport;

/// <summary>
/// The connection is its own feature collection, as Kestrel's transport connections are: the features it implements
/// are answered without a table, and any set later (by middleware, for example TLS replacing the wait) take precedence.
/// An idle connection so never allocates a table: most only ever ask for the transport's own features.
/// </summary>
public sealed partial class SocketConnection : IFeatureCollection
{
    private static readonly Type[] OwnFeatures = [typeof(IWaitForDataFeature), typeof(IConnectionStreamFeature)];

    private FeatureCollection? _added;

    bool IFeatureCollection.IsReadOnly => false;

    int IFeatureCollection.Revision => _added?.Revision ?? 0;

    object? IFeatureCollection.this[Type key]
    {
        get => _added?[key] ?? (Array.IndexOf(OwnFeatures, key) >= 0 ? this : null);
        set => (_added ??= new FeatureCollection())[key] = value;
    }

    TFeature? IFeatureCollection.Get<TFeature>()
        where TFeature : default
    {
        if (_added is not null && _added.Get<TFeature>() is { } added)
        {
            return added;
        }

        if (Array.IndexOf(OwnFeatures, typeof(TFeature)) < 0)
        {
            return default;
        }

        if (typeof(TFeature) == typeof(IWaitForDataFeature))
        {
            // Its user waits with it before each read, so the pipe (if it is made after) skips its own zero-byte reads.
            _waitsOutsidePipe = true;
        }

        return (TFeature)(object)this;
    }

    void IFeatureCollection.Set<TFeature>(TFeature? instance)
        where TFeature : default => (_added ??= new FeatureCollection()).Set(instance);

    IEnumerator<KeyValuePair<Type, object>> IEnumerable<KeyValuePair<Type, object>>.GetEnumerator()
    {
        foreach (KeyValuePair<Type, object> added in _added ?? Enumerable.Empty<KeyValuePair<Type, object>>())
        {
            yield return added;
        }

        foreach (Type own in OwnFeatures)
        {
            if (_added?[own] is null)
            {
                yield return new(own, this);
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<KeyValuePair<Type, object>>)this).GetEnumerator();
}
