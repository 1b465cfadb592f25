using TxRelayer.Tests.Infrastructure;

namespace TxRelayer.Tests.EndToEnd;

/// <summary>One stack (devnet stand-in with instant blocks, guardian, broker, relayer with two accounts) shared by the
/// tests of <see cref="InstantStackDefinition"/>.</summary>
public sealed class InstantStackFixture : IAsyncLifetime
{
    internal Stack Stack { get; private set; } = null!;

    public async Task InitializeAsync() => Stack = await Stack.StartAsync(new StackOptions { RelayerAccounts = 2 });

    public async Task DisposeAsync()
    {
        if (Stack is not null)
        {
            await Stack.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class InstantStackDefinition : ICollectionFixture<InstantStackFixture>
{
    public const string Name = "Stack with the devnet stand-in, instant blocks";
}
