using System.Collections;
using Microsoft.AspNetCore.Http.Features;

namespace AppProtocol.Transport;

/// <summary>
/// A connection's features: those its transport implements itself, answered without a lookup table, and any
/// set later (by middleware, for example TLS replacing the transport's own), which take precedence.
/// </summary>
/// <remarks>An idle connection never allocates the table: most connections only ever ask for the transport's own features.</remarks>
/// <param name="transport">The transport, which implements the <paramref name="transportFeatures"/>.</param>
/// <param name="transportFeatures">The feature interfaces the transport implements.</param>
/// <param name="onWaitFeatureTaken">Told when the <see cref="Features.IWaitForDataFeature"/> is asked for, so the transport's pipe can skip its own zero-byte reads.</param>
internal sealed class TransportFeatures(object transport, Type[] transportFeatures, Action<object>? onWaitFeatureTaken = null) : IFeatureCollection
{
    private FeatureCollection? _added;

    public bool IsReadOnly => false;

    public int Revision => _added?.Revision ?? 0;

    public object? this[Type key]
    {
        get => _added?[key] ?? (Array.IndexOf(transportFeatures, key) >= 0 ? transport : null);
        set => (_added ??= new FeatureCollection())[key] = value;
    }

    public TFeature? Get<TFeature>()
    {
        if (_added is not null && _added.Get<TFeature>() is { } added)
        {
            return added;
        }

        if (Array.IndexOf(transportFeatures, typeof(TFeature)) < 0)
        {
            return default;
        }

        if (typeof(TFeature) == typeof(Features.IWaitForDataFeature))
        {
            onWaitFeatureTaken?.Invoke(transport);
        }

        return (TFeature)transport;
    }

    public void Set<TFeature>(TFeature? instance) => (_added ??= new FeatureCollection()).Set(instance);

    public IEnumerator<KeyValuePair<Type, object>> GetEnumerator()
    {
        foreach (KeyValuePair<Type, object> added in _added ?? Enumerable.Empty<KeyValuePair<Type, object>>())
        {
            yield return added;
        }

        foreach (Type own in transportFeatures)
        {
            if (_added?[own] is null)
            {
                yield return new(own, transport);
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
