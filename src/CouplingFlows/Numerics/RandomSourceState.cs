namespace CouplingFlows.Numerics;

/// <summary>The saved state of a <see cref="RandomSource"/>.</summary>
/// <param name="S0">State word 0.</param>
/// <param name="S1">State word 1.</param>
/// <param name="S2">State word 2.</param>
/// <param name="S3">State word 3.</param>
/// <param name="HasSpareGaussian">Whether a second Box–Muller draw is cached.</param>
/// <param name="SpareGaussian">The cached draw.</param>
public readonly record struct RandomSourceState(
    ulong S0, ulong S1, ulong S2, ulong S3, bool HasSpareGaussian, double SpareGaussian);
