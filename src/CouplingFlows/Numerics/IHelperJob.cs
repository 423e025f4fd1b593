namespace CouplingFlows.Numerics;

/// <summary>A piece of work that a helper thread can run (see <see cref="GemmParallel.RunPair"/>).</summary>
internal interface IHelperJob
{
    /// <summary>Does the work; called once per hand-off, on whichever thread takes it.</summary>
    void Run();
}
