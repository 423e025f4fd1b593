namespace CouplingFlows.Cli.Studies;

/// <summary>An <see cref="IProgress{T}"/> that reports on the calling thread at once (no synchronisation
/// context hop), so stderr lines keep their order.</summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
