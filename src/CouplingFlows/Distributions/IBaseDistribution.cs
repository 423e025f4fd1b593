using CouplingFlows.Numerics;

namespace CouplingFlows.Distributions;

/// <summary>The base density p_Z of a flow, over (B, D) batches of latents.</summary>
public interface IBaseDistribution
{
    /// <summary>D.</summary>
    int Features { get; }

    /// <summary>log p_Z(z) per row.</summary>
    /// <param name="z">(B, D).</param>
    /// <returns>Length B.</returns>
    float[] LogProb(Tensor z);

    /// <summary>log p_Z(z) per row, written into <paramref name="destination"/> (no allocation in
    /// implementations that override it).</summary>
    /// <param name="z">(B, D).</param>
    /// <param name="destination">Length at least B; entries [0, B) are overwritten.</param>
    void LogProb(Tensor z, Span<float> destination) => LogProb(z).CopyTo(destination);

    /// <summary>Writes ∂(−log p_Z(z))/∂z, scaled by <paramref name="weight"/>, into gradient.</summary>
    /// <param name="z">(B, D).</param>
    /// <param name="weight">The factor, for example 1/B for a mean loss.</param>
    /// <param name="gradient">(B, D), overwritten.</param>
    void NegativeLogProbGradient(Tensor z, float weight, Tensor gradient);

    /// <summary>Draws samples; temperature T scales the spread (T = 1 is the density itself).</summary>
    /// <param name="count">B, non-negative.</param>
    /// <param name="random">The random source.</param>
    /// <param name="temperature">T &gt; 0.</param>
    /// <returns>(B, D) latents.</returns>
    Tensor Sample(int count, RandomSource random, float temperature = 1f);
}
