using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace AppProtocol.Hosting;

/// <summary>Configures a client that <c>AddFrameClient</c> registers: its settings and its resilience pipeline.</summary>
public sealed class FrameClientBuilder
{
    private readonly ClientRegistration _registration;

    internal FrameClientBuilder(IServiceCollection services, ClientRegistration registration)
    {
        Services = services;
        _registration = registration;
    }

    /// <summary>The application's services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The client's name, for <see cref="IFrameClientFactory.CreateClient"/>.</summary>
    public string Name => _registration.Name;

    internal ClientRegistration Registration => _registration;

    /// <summary>Sets the client's settings in code, after those bound from configuration (so it overrides them).</summary>
    /// <param name="configure">Sets the settings.</param>
    /// <returns>This builder.</returns>
    public FrameClientBuilder Configure(Action<FrameClientSettings> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(Name, configure);
        return this;
    }

    /// <summary>Adds resilience strategies (Polly's) around every call of the client, in the order added: retry, timeout, circuit breaker, rate limiter, ...</summary>
    /// <param name="configure">Adds strategies to the pipeline, built once, when the client is first created.</param>
    /// <returns>This builder.</returns>
    /// <remarks>A retry should handle only what <see cref="FrameClientRetry.IsSafeToRetry"/> accepts, as <see cref="AddStandardRetry"/> does.</remarks>
    public FrameClientBuilder AddResilience(Action<ResiliencePipelineBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddResilience((pipeline, _) => configure(pipeline));
    }

    /// <summary>Adds resilience strategies that need the application's services.</summary>
    /// <param name="configure">Adds strategies to the pipeline, given the application's services.</param>
    /// <returns>This builder.</returns>
    public FrameClientBuilder AddResilience(Action<ResiliencePipelineBuilder, IServiceProvider> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        if (_registration.Resilience.Count == 0)
        {
            // One pipeline per client in Polly's registry, with Polly's logs and metrics through the container.
            ClientRegistration registration = _registration;
            Services.AddResiliencePipeline(registration.PipelineKey, (pipeline, context) =>
            {
                foreach (Action<ResiliencePipelineBuilder, IServiceProvider> add in registration.Resilience)
                {
                    add(pipeline, context.ServiceProvider);
                }
            });
        }

        _registration.Resilience.Add(configure);
        return this;
    }

    /// <summary>
    /// Adds a retry that sends a call again only when that is safe (<see cref="FrameClientRetry.IsSafeToRetry"/>, with
    /// the client's <see cref="FrameClientSettings.RequestsAreIdempotent"/>): 2 retries, exponential back-off from 100 ms, with jitter.
    /// </summary>
    /// <param name="configure">Changes the retry's options (attempts, delays); replacing <see cref="RetryStrategyOptions{TResult}.ShouldHandle"/> is on you.</param>
    /// <returns>This builder.</returns>
    public FrameClientBuilder AddStandardRetry(Action<RetryStrategyOptions>? configure = null) => AddResilience((pipeline, services) =>
    {
        bool idempotent = services.GetRequiredService<IOptionsMonitor<FrameClientSettings>>().Get(Name).RequestsAreIdempotent;
        var retry = new RetryStrategyOptions
        {
            MaxRetryAttempts = 2,
            Delay = TimeSpan.FromMilliseconds(100),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } failure && FrameClientRetry.IsSafeToRetry(failure, idempotent)),
        };
        configure?.Invoke(retry);
        pipeline.AddRetry(retry);
    });
}
