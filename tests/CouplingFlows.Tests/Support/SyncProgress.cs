namespace CouplingFlows.Tests.Support;

/// <summary>An <see cref="IProgress{T}"/> that runs its handler at once on the reporting thread.</summary>
public sealed class SyncProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
