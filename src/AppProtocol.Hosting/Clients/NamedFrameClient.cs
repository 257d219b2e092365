using System.Text.Json.Serialization.Metadata;
using AppProtocol.Client;
using AppProtocol.Framing;
using Polly;

namespace AppProtocol.Hosting;

/// <summary>
/// A client registered with <c>AddFrameClient</c>, as <see cref="IFrameClientFactory.CreateClient"/> gives it: the
/// name's one <see cref="FrameClient"/>, with each call run through the name's resilience pipeline.
/// </summary>
/// <remarks>
/// Every instance for a name shares its <see cref="FrameClient"/> (its connections), which the container disposes;
/// do not dispose it yourself. Without resilience strategies (<see cref="FrameClientBuilder.AddResilience(Action{ResiliencePipelineBuilder})"/>)
/// calls go straight to the client.
/// </remarks>
public sealed class NamedFrameClient
{
    private readonly ResiliencePipeline? _pipeline;

    internal NamedFrameClient(string name, FrameClient client, ResiliencePipeline? pipeline)
    {
        Name = name;
        Client = client;
        _pipeline = pipeline;
    }

    /// <summary>The name it was registered under.</summary>
    public string Name { get; }

    /// <summary>The name's client; calls made on it directly skip the resilience pipeline.</summary>
    public FrameClient Client { get; }

    /// <summary>The name's resilience pipeline; <see cref="ResiliencePipeline.Empty"/> when it has no strategies.</summary>
    public ResiliencePipeline Pipeline => _pipeline ?? ResiliencePipeline.Empty;

    /// <summary>Sends a request frame and waits for its response, through the resilience pipeline.</summary>
    /// <param name="request">The request; sent again unchanged when a strategy retries.</param>
    /// <param name="cancellationToken">Cancels the call, retries included.</param>
    /// <returns>The response, owning its content.</returns>
    public ValueTask<Frame> SendAsync(Frame request, CancellationToken cancellationToken = default) =>
        _pipeline is null
            ? Client.SendAsync(request, cancellationToken)
            : _pipeline.ExecuteAsync(static (state, ct) => state.Client.SendAsync(state.request, ct), (Client, request), cancellationToken);

    /// <summary>Sends a UTF-8 <c>text/json</c> request holding <paramref name="value"/> and waits for the response frame, through the resilience pipeline.</summary>
    /// <typeparam name="TRequest">The request content's type.</typeparam>
    /// <param name="value">The request content.</param>
    /// <param name="requestTypeInfo">Serialization metadata, from a source-generated context.</param>
    /// <param name="cancellationToken">Cancels the call, retries included.</param>
    /// <returns>The response, owning its content.</returns>
    public ValueTask<Frame> SendJsonAsync<TRequest>(TRequest value, JsonTypeInfo<TRequest> requestTypeInfo, CancellationToken cancellationToken = default) =>
        _pipeline is null
            ? Client.SendJsonAsync(value, requestTypeInfo, cancellationToken)
            : _pipeline.ExecuteAsync(static (state, ct) => state.Client.SendJsonAsync(state.value, state.requestTypeInfo, ct), (Client, value, requestTypeInfo), cancellationToken);

    /// <summary>Sends a UTF-8 <c>text/json</c> request and reads the JSON response, through the resilience pipeline.</summary>
    /// <typeparam name="TRequest">The request content's type.</typeparam>
    /// <typeparam name="TResponse">The response content's type.</typeparam>
    /// <param name="value">The request content.</param>
    /// <param name="requestTypeInfo">Serialization metadata for the request, from a source-generated context.</param>
    /// <param name="responseTypeInfo">Serialization metadata for the response.</param>
    /// <param name="cancellationToken">Cancels the call, retries included.</param>
    /// <returns>The deserialized response content.</returns>
    public async ValueTask<TResponse?> SendJsonAsync<TRequest, TResponse>(TRequest value, JsonTypeInfo<TRequest> requestTypeInfo, JsonTypeInfo<TResponse> responseTypeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(responseTypeInfo);
        Frame response = await SendJsonAsync(value, requestTypeInfo, cancellationToken).ConfigureAwait(false);
        return Json.JsonFrameReader.Read(response, responseTypeInfo);
    }
}
