namespace CouplingFlows.Tests.Support;

/// <summary>Tests that measure process-wide state (allocations, the shared GEMM worker) and must not run
/// beside other test classes: another class's products would contend for the worker and make the
/// measurement depend on timing.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialTests
{
    public const string Name = "serial";
}
