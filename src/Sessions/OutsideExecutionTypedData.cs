using Sessions.Internal;
using Starknet;
using Starknet.Transactions;

namespace Sessions;

/// <summary>
/// The SNIP-9 v2 typed data of an outside execution (spec §12), in the shape x-sessions builds and sends to the
/// cosigner (<c>signSessionEFO</c>, spec §14). Its SNIP-12 message hash is
/// <see cref="OutsideExecution.MessageHash"/>, the execution hash a session signs for outside execution.
/// </summary>
public static class OutsideExecutionTypedData
{
    /// <summary>The SNIP-12 name of the primary type.</summary>
    public const string PrimaryType = "OutsideExecution";

    /// <summary>The domain name as text.</summary>
    public const string DomainNameText = "Account.execute_from_outside";

    /// <summary>
    /// The typed data as compact JSON: <c>types</c> (<c>StarknetDomain</c>, <c>OutsideExecution</c>, <c>Call</c>),
    /// <c>primaryType</c>, <c>domain</c> (<c>version: "2"</c>, which hashes as the felt 2 like the contract; chain id as
    /// hex; <c>revision: "1"</c>) and <c>message</c> (<c>Caller</c>, <c>Nonce</c>, <c>Execute After</c>,
    /// <c>Execute Before</c>, <c>Calls</c> with <c>To</c>, <c>Selector</c> and <c>Calldata</c> as hex).
    /// </summary>
    /// <remarks>The two timestamps are JSON numbers as in x-sessions; above 2^53 they are decimal strings so the
    /// typed data keeps hashing to the exact values.</remarks>
    /// <param name="outsideExecution">The outside execution.</param>
    /// <param name="chainId">The chain id.</param>
    /// <exception cref="ArgumentNullException"><paramref name="outsideExecution"/> is null.</exception>
    public static string ToJson(OutsideExecution outsideExecution, Felt chainId)
    {
        ArgumentNullException.ThrowIfNull(outsideExecution);
        return JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("types");
            w.WriteStarknetDomainType();
            w.WriteStartArray(PrimaryType);
            w.WriteField("Caller", "ContractAddress");
            w.WriteField("Nonce", "felt");
            w.WriteField("Execute After", "u128");
            w.WriteField("Execute Before", "u128");
            w.WriteField("Calls", "Call*");
            w.WriteEndArray();
            w.WriteStartArray("Call");
            w.WriteField("To", "ContractAddress");
            w.WriteField("Selector", "selector");
            w.WriteField("Calldata", "felt*");
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteString("primaryType", PrimaryType);
            w.WriteStartObject("domain");
            w.WriteString("name", DomainNameText);
            w.WriteString("version", "2");
            w.WriteFelt("chainId", chainId);
            w.WriteString("revision", "1");
            w.WriteEndObject();
            w.WriteStartObject("message");
            w.WriteFelt("Caller", outsideExecution.Caller);
            w.WriteFelt("Nonce", outsideExecution.Nonce);
            w.WriteInteger("Execute After", outsideExecution.ExecuteAfter);
            w.WriteInteger("Execute Before", outsideExecution.ExecuteBefore);
            w.WriteStartArray("Calls");
            foreach (var call in outsideExecution.Calls)
            {
                w.WriteStartObject();
                w.WriteFelt("To", call.To);
                w.WriteFelt("Selector", call.Selector);
                w.WriteStartArray("Calldata");
                foreach (var felt in call.Calldata)
                {
                    w.WriteStringValue(felt.ToString());
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }
}
