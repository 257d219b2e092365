using Polly;

namespace AppProtocol.Hosting;

/// <summary>What <see cref="FrameClientBuilder"/> collects for one named client, beside its <see cref="FrameClientSettings"/>.</summary>
internal sealed class ClientRegistration(string name)
{
    public string Name { get; } = name;

    /// <summary>The configuration section it binds from, for error messages; <see langword="null"/> when set in code only.</summary>
    public string? ConfigurationPath { get; set; }

    /// <summary>The resilience strategies, in the order added; none means calls go straight to the client.</summary>
    public List<Action<ResiliencePipelineBuilder, IServiceProvider>> Resilience { get; } = [];

    /// <summary>The resilience pipeline's key in Polly's registry.</summary>
    public string PipelineKey => $"AppProtocol.Client:{Name}";

    /// <summary>How error messages name a setting of this client: its configuration key, or the client and the property.</summary>
    public string NameOf(string setting) =>
        ConfigurationPath is { } path ? $"{path}:{setting}" : $"FrameClientSettings '{Name}'.{setting.Replace(':', '.')}";
}

/// <summary>The named clients of a service collection: one instance, shared by the builders and the factory.</summary>
internal sealed class ClientRegistry
{
    private readonly Dictionary<string, ClientRegistration> _clients = new(StringComparer.Ordinal);

    public ClientRegistration GetOrAdd(string name)
    {
        lock (_clients)
        {
            if (!_clients.TryGetValue(name, out ClientRegistration? registration))
            {
                _clients[name] = registration = new ClientRegistration(name);
            }

            return registration;
        }
    }

    public ClientRegistration? Find(string name)
    {
        lock (_clients)
        {
            return _clients.GetValueOrDefault(name);
        }
    }

    public string Names()
    {
        lock (_clients)
        {
            return _clients.Count == 0 ? "none" : string.Join(", ", _clients.Keys.Order(StringComparer.Ordinal).Select(n => $"'{n}'"));
        }
    }
}
