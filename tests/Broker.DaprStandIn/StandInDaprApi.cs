using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Broker.DaprStandIn;

/// <summary>
/// The methods of <c>dapr.proto.runtime.v1.Dapr</c> the stand-in serves. Dapr.Protos compiles dapr.proto for clients
/// only (there is no generated <c>DaprBase</c>), so the methods are declared here by hand with the package's message
/// types and bound with <see cref="BindServiceMethodAttribute"/>; Grpc.AspNetCore finds each handler by the method's
/// name among the public virtual methods of this type. Any other method of the API answers UNIMPLEMENTED.
/// </summary>
[BindServiceMethod(typeof(StandInDaprApi), nameof(BindService))]
public class StandInDaprApi(StandInSidecar sidecar)
{
    /// <summary>The gRPC service name of the Dapr API.</summary>
    public const string ServiceName = "dapr.proto.runtime.v1.Dapr";

    private static readonly Method<GetStateRequest, GetStateResponse> s_getState = Unary<GetStateRequest, GetStateResponse>("GetState", GetStateRequest.Parser, GetStateResponse.Parser);
    private static readonly Method<SaveStateRequest, Empty> s_saveState = Unary<SaveStateRequest, Empty>("SaveState", SaveStateRequest.Parser, Empty.Parser);
    private static readonly Method<DeleteStateRequest, Empty> s_deleteState = Unary<DeleteStateRequest, Empty>("DeleteState", DeleteStateRequest.Parser, Empty.Parser);
    private static readonly Method<ExecuteStateTransactionRequest, Empty> s_executeStateTransaction = Unary<ExecuteStateTransactionRequest, Empty>("ExecuteStateTransaction", ExecuteStateTransactionRequest.Parser, Empty.Parser);
    private static readonly Method<PublishEventRequest, Empty> s_publishEvent = Unary<PublishEventRequest, Empty>("PublishEvent", PublishEventRequest.Parser, Empty.Parser);

    /// <summary>Called by Grpc.AspNetCore with a null instance; it resolves the handlers on this type by name.</summary>
    public static void BindService(ServiceBinderBase binder, StandInDaprApi? api)
    {
        ArgumentNullException.ThrowIfNull(binder);
        binder.AddMethod(s_getState, api is null ? null! : api.GetState);
        binder.AddMethod(s_saveState, api is null ? null! : api.SaveState);
        binder.AddMethod(s_deleteState, api is null ? null! : api.DeleteState);
        binder.AddMethod(s_executeStateTransaction, api is null ? null! : api.ExecuteStateTransaction);
        binder.AddMethod(s_publishEvent, api is null ? null! : api.PublishEvent);
    }

    /// <summary><c>GetState</c>.</summary>
    public virtual Task<GetStateResponse> GetState(GetStateRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        sidecar.Count(nameof(GetState));
        var store = sidecar.Cluster.StateStore(request.StoreName);
        var found = store.Get(sidecar.StateKey(request.Key));
        var response = new GetStateResponse();
        if (found is { } entry)
        {
            response.Data = ByteString.CopyFrom(entry.Value);
            response.Etag = entry.ETag;
        }
        return Task.FromResult(response);
    }

    /// <summary><c>SaveState</c>: the items one by one, as daprd's bulk set does (not atomic).</summary>
    public virtual Task<Empty> SaveState(SaveStateRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        sidecar.Count(nameof(SaveState));
        var store = sidecar.Cluster.StateStore(request.StoreName);
        foreach (var item in request.States)
        {
            store.Apply([StandInStateStore.Upsert(sidecar.StateKey(item.Key), item)], transactional: false);
        }
        return Task.FromResult(new Empty());
    }

    /// <summary><c>DeleteState</c>.</summary>
    public virtual Task<Empty> DeleteState(DeleteStateRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        sidecar.Count(nameof(DeleteState));
        var store = sidecar.Cluster.StateStore(request.StoreName);
        store.Apply([StandInStateStore.Delete(sidecar.StateKey(request.Key), request.Etag, request.Options)], transactional: false);
        return Task.FromResult(new Empty());
    }

    /// <summary><c>ExecuteStateTransaction</c>: all or nothing; any failure is INTERNAL, as daprd answers.</summary>
    public virtual Task<Empty> ExecuteStateTransaction(ExecuteStateTransactionRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        sidecar.Count(nameof(ExecuteStateTransaction));
        var store = sidecar.Cluster.StateStore(request.StoreName);
        var operations = request.Operations.Select(o => o.OperationType switch
        {
            "upsert" => StandInStateStore.Upsert(sidecar.StateKey(o.Request.Key), o.Request),
            "delete" => StandInStateStore.Delete(sidecar.StateKey(o.Request.Key), o.Request.Etag, o.Request.Options),
            _ => throw new RpcException(new Status(StatusCode.InvalidArgument, $"operation type {o.OperationType} not supported")),
        }).ToArray();
        store.Apply(operations, transactional: true);
        return Task.FromResult(new Empty());
    }

    /// <summary><c>PublishEvent</c>: wraps the data in a CloudEvent (or keeps a CloudEvent) and hands it to the topic's subscribers.</summary>
    public virtual Task<Empty> PublishEvent(PublishEventRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        sidecar.Count(nameof(PublishEvent));
        var pubsub = sidecar.Cluster.PubSub(request.PubsubName);
        if (string.IsNullOrEmpty(request.Topic))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"topic is empty in pubsub {request.PubsubName}"));
        }
        if (request.Metadata.TryGetValue("rawPayload", out var raw) && raw == "true")
        {
            throw new RpcException(new Status(StatusCode.Unimplemented, "the stand-in sidecar does not support rawPayload"));
        }
        var traceParent = context.RequestHeaders.GetValue("traceparent") ?? "";
        var traceState = context.RequestHeaders.GetValue("tracestate") ?? "";
        var envelope = CloudEvents.Envelope(request, sidecar.AppId, traceParent, traceState);
        pubsub.Publish(request.Topic, envelope);
        return Task.FromResult(new Empty());
    }

    private static Method<TRequest, TResponse> Unary<TRequest, TResponse>(string name, MessageParser<TRequest> requestParser, MessageParser<TResponse> responseParser)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        new(MethodType.Unary, ServiceName, name,
            Marshallers.Create(r => r.ToByteArray(), requestParser.ParseFrom),
            Marshallers.Create(r => r.ToByteArray(), responseParser.ParseFrom));
}
