using Microsoft.Extensions.Hosting;

namespace Starknet.Devnet.Hosting;

/// <summary>
/// The lifetime of a host embedded in another program (a test, the demo, a benchmark): it hooks no process signal.
/// The default console lifetime answers Ctrl+C and SIGTERM by stopping its host and cancelling the signal, so a program
/// running several embedded hosts would lose its services and keep running; with this lifetime the signals stay the
/// program's own (its handler, or the runtime's default, which ends the process).
/// </summary>
public sealed class EmbeddedHostLifetime : IHostLifetime
{
    /// <inheritdoc />
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
