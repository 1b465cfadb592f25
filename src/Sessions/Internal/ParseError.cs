namespace Sessions.Internal;

/// <summary>Where and why parsing stopped, without throwing (the validator's hot path returns these).</summary>
internal sealed record ParseError(int Offset, string Field, string Problem, string ContractError)
{
    public SessionFormatException ToException() => new(Offset, Field, Problem, ContractError);
}
