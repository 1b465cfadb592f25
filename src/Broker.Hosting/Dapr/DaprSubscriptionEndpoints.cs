using System.Diagnostics;
using System.Text.Json;
using Broker.Hosting.Components;
using Broker.Hosting.PubSub;
using TopicOptions = Dapr.TopicOptions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Broker.Hosting.Dapr;

/// <summary>
/// The Dapr app API side of pub/sub: one <c>POST /dapr/events/&lt;topic&gt;</c> route per subscribed topic (from the
/// <see cref="EventSubscription"/>s registered with <see cref="PubSubServiceCollectionExtensions.AddEventHandler{THandler}"/>),
/// announced to daprd by <c>GET /dapr/subscribe</c> (Dapr.AspNetCore's <c>MapSubscribeHandler</c> over
/// <c>WithTopic</c> metadata, dead-letter topic included), and <c>POST /dapr/dead-letter</c> for the declarative
/// dead-letter subscription.
/// </summary>
/// <remarks>
/// The routes read the whole CloudEvents envelope themselves instead of going through <c>UseCloudEvents</c>, which
/// would replace the body by <c>data</c>: handlers need the envelope's <c>id</c> (deduplication) and
/// <c>traceparent</c> (the consumer span's parent). Answers follow daprd's contract: HTTP 200 with
/// <c>{"status":"SUCCESS"|"RETRY"|"DROP"}</c>; a handler exception is a RETRY; an envelope that cannot be read is
/// a DROP (redelivering it cannot help).
/// </remarks>
internal static partial class DaprSubscriptionEndpoints
{
    private const string MessagingSystem = "dapr";

    public static void MapDaprSubscriptions(this IEndpointRouteBuilder endpoints)
    {
        var appToken = AppTokenFilter.Create(endpoints.ServiceProvider);
        var subscriptions = endpoints.ServiceProvider.GetServices<EventSubscription>().ToArray();
        foreach (var topic in subscriptions.GroupBy(s => s.Topic, StringComparer.Ordinal))
        {
            var handlers = topic.ToArray();
            var pubsubs = handlers.Select(h => h.PubSubName).Distinct(StringComparer.Ordinal).ToArray();
            if (pubsubs.Length != 1)
            {
                throw new InvalidOperationException($"Topic '{topic.Key}' is subscribed on several pub/sub components ({string.Join(", ", pubsubs)}); give the topics distinct names.");
            }
            var deadLetterTopic = handlers.Select(h => h.DeadLetterTopic).FirstOrDefault(d => d is not null);
            endpoints.MapPost(BrokerComponents.Routes.Events(topic.Key), (Delegate)((HttpContext context) => DeliverAsync(context, topic.Key, handlers)))
                .WithTopic(new TopicOptions { PubsubName = pubsubs[0], Name = topic.Key, DeadLetterTopic = deadLetterTopic! })
                .WithDisplayName($"Dapr delivery of {topic.Key}")
                .AddEndpointFilter(appToken);
        }
        endpoints.MapPost(BrokerComponents.Routes.DeadLetter, (Delegate)RecordDeadLetterAsync).WithDisplayName("Dapr dead-letter recorder")
            .AddEndpointFilter(appToken);
        endpoints.MapSubscribeHandler().AddEndpointFilter(appToken);
    }

    /// <summary>
    /// With an app API token (<see cref="Components.DaprComponentsOptions.AppApiToken"/>, else <c>APP_API_TOKEN</c>),
    /// a call to the Dapr routes must carry it in <c>dapr-api-token</c>, as daprd sends it; otherwise it gets 401 with a
    /// JSON error, and its body is never read. Checked with <see cref="Grpc.TokenDigests"/> (fixed time); the token is never logged.
    /// </summary>
    private sealed class AppTokenFilter(Grpc.TokenDigests tokens) : IEndpointFilter
    {
        private const string Header = "dapr-api-token";

        public static AppTokenFilter Create(IServiceProvider services)
        {
            var configured = services.GetRequiredService<IOptions<ComponentsOptions>>().Value.Dapr.AppApiToken;
            var token = string.IsNullOrWhiteSpace(configured) ? services.GetRequiredService<IConfiguration>()["APP_API_TOKEN"] : configured;
            return new AppTokenFilter(new Grpc.TokenDigests(string.IsNullOrWhiteSpace(token) ? [] : [token]));
        }

        public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            if (tokens.IsEmpty)
            {
                return next(context);
            }
            string? presented = context.HttpContext.Request.Headers[Header];
            if (presented is not null && tokens.Matches(presented))
            {
                return next(context);
            }
            return ValueTask.FromResult<object?>(Results.Json(
                new { error = "the Dapr routes need the sidecar's app API token in the dapr-api-token header", status = "APP_API_TOKEN_INVALID" },
                statusCode: StatusCodes.Status401Unauthorized));
        }
    }

    private static async Task<IResult> DeliverAsync(HttpContext context, string topic, EventSubscription[] handlers)
    {
        var logger = Logger(context);
        var cloudEvent = await ReadEnvelopeAsync(context).ConfigureAwait(false);
        if (cloudEvent is null)
        {
            LogUnreadable(logger, topic);
            return Answer(EventHandlingResult.Drop);
        }

        // Several handlers of one topic share the route: retry if any asks for it (they are idempotent), drop only
        // if every one drops.
        var results = new List<EventHandlingResult>(handlers.Length);
        foreach (var subscription in handlers)
        {
            results.Add(await InvokeAsync(context, cloudEvent, subscription, logger).ConfigureAwait(false));
        }
        var result = results.Contains(EventHandlingResult.Retry) ? EventHandlingResult.Retry
            : results.All(r => r == EventHandlingResult.Drop) ? EventHandlingResult.Drop
            : EventHandlingResult.Success;
        return Answer(result);
    }

    private static async Task<EventHandlingResult> InvokeAsync(HttpContext context, CloudEvent cloudEvent, EventSubscription subscription, ILogger logger)
    {
        var handlerName = subscription.HandlerType.Name;
        using var activity = HostingTelemetry.StartProcess(cloudEvent, subscription.Topic, MessagingSystem, handlerName);
        var started = Stopwatch.GetTimestamp();
        EventHandlingResult result;
        try
        {
            await using var scope = context.RequestServices.CreateAsyncScope();
            var handler = (ITopicHandler)scope.ServiceProvider.GetRequiredService(subscription.HandlerType);
            result = await handler.HandleAsync(cloudEvent, context.RequestAborted).ConfigureAwait(false);
            if (result == EventHandlingResult.Retry) LogRetry(logger, cloudEvent.Id, subscription.Topic, handlerName);
            if (result == EventHandlingResult.Drop) LogDropped(logger, cloudEvent.Id, subscription.Topic, handlerName);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            LogHandlerFailed(logger, ex, cloudEvent.Id, subscription.Topic, handlerName);
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            result = EventHandlingResult.Retry;
        }
        HostingTelemetry.Processed(subscription.Topic, result, Stopwatch.GetElapsedTime(started));
        return result;
    }

    private static async Task<IResult> RecordDeadLetterAsync(HttpContext context)
    {
        var cloudEvent = await ReadEnvelopeAsync(context).ConfigureAwait(false);
        if (cloudEvent is null)
        {
            LogUnreadable(Logger(context), BrokerComponents.Topics.DeadLetter);
            return Answer(EventHandlingResult.Drop);
        }
        LogDeadLetter(Logger(context), cloudEvent.Id, cloudEvent.Source, cloudEvent.Type);
        HostingTelemetry.DeadLettered(cloudEvent.Topic);
        return Answer(EventHandlingResult.Success);
    }

    private static async Task<CloudEvent?> ReadEnvelopeAsync(HttpContext context)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<CloudEvent>(context.Request.Body, EventJson.Options, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IResult Answer(EventHandlingResult result) => Results.Json(new DaprTopicAnswer(result switch
    {
        EventHandlingResult.Success => "SUCCESS",
        EventHandlingResult.Retry => "RETRY",
        _ => "DROP",
    }));

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DaprSubscriptionEndpoints).FullName!);

    private sealed record DaprTopicAnswer(string Status);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Handler {Handler} asked to retry event {EventId} on topic {Topic}.")]
    private static partial void LogRetry(ILogger logger, string eventId, string topic, string handler);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Handler {Handler} failed on event {EventId} on topic {Topic}.")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string eventId, string topic, string handler);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Handler {Handler} dropped event {EventId} on topic {Topic}.")]
    private static partial void LogDropped(ILogger logger, string eventId, string topic, string handler);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Warning, Message = "A delivery on topic {Topic} carried no readable CloudEvents envelope; dropped.")]
    private static partial void LogUnreadable(ILogger logger, string topic);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Error, Message = "Dead letter {EventId} (source {Source}, type {Type}) exhausted its delivery attempts.")]
    private static partial void LogDeadLetter(ILogger logger, string eventId, string source, string type);
}
