namespace AppProtocol.Hosting;

/// <summary>Gives the clients registered with <c>AddFrameClient</c>, by name, as <c>IHttpClientFactory</c> does for HTTP.</summary>
public interface IFrameClientFactory
{
    /// <summary>The client registered under <paramref name="name"/>: created at the first call for the name, then shared, and disposed with the container.</summary>
    /// <param name="name">The name given to <c>AddFrameClient</c> (a typed client's is its type's name).</param>
    /// <returns>The client.</returns>
    /// <exception cref="InvalidOperationException">No client has that name.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The client's settings are invalid (each error names its key).</exception>
    NamedFrameClient CreateClient(string name);
}
