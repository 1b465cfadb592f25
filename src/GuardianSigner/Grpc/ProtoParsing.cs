using Broker.Hosting.Grpc;
using Starknet;
using Starknet.Transactions;
using StarknetCall = Starknet.Transactions.Call;

namespace GuardianSigner.Grpc;

/// <summary>
/// Turns broker.common.v1 messages into Starknet values, refusing bad input with the field's path. The parsing is
/// shared by the services (<see cref="CommonMessages"/>); the guardian accepts 0x0 call targets and checks signature
/// ranges where it verifies them.
/// </summary>
internal static class ProtoParsing
{
    public static StarknetCall[] Calls(IReadOnlyList<Broker.Contracts.Common.V1.Call> calls, string field) =>
        CommonMessages.Calls(calls, field);

    public static void CheckEntryPoint(string? entryPoint, string field) => CommonMessages.CheckEntryPoint(entryPoint, field);

    public static StarkSignature Signature(Broker.Contracts.Common.V1.StarkSignature? signature, string field) =>
        CommonMessages.Signature(signature, field);

    public static ResourceBoundsMapping ResourceBounds(Broker.Contracts.Common.V1.ResourceBoundsMapping? bounds, string field) =>
        CommonMessages.ResourceBounds(bounds, field);
}
