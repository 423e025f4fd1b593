using CouplingFlows.Numerics;

namespace CouplingFlows.Distributions;

/// <summary>
/// The standard normal N(0, I) on D dimensions.
/// </summary>
/// <remarks>
/// <para>log p(z) = −½ ‖z‖² − (D/2) ln 2π; ∂(−log p)/∂z = z.</para>
/// <para>At temperature T samples are drawn from N(0, T² I).</para>
/// </remarks>
public sealed class StandardNormal : IBaseDistribution
{
    private const double LogTwoPi = 1.8378770664093453;

    /// <summary>Creates the distribution.</summary>
    /// <param name="features">D, at least 1.</param>
    public StandardNormal(int features)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        Features = features;
    }

    /// <inheritdoc/>
    public int Features { get; }

    /// <inheritdoc/>
    public float[] LogProb(Tensor z)
    {
        ArgumentNullException.ThrowIfNull(z);
        float[] result = new float[z.Rows];
        LogProb(z, result);

        return result;
    }

    /// <inheritdoc/>
    public void LogProb(Tensor z, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(z);
        CheckWidth(z);
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, z.Rows, nameof(destination));
        double constant = -0.5 * Features * LogTwoPi;
        for (int i = 0; i < z.Rows; i++)
        {
            ReadOnlySpan<float> row = z.Row(i);
            destination[i] = (float)(constant - (0.5 * TensorPrimitives.SumOfSquares(row)));
        }
    }

    /// <inheritdoc/>
    public void NegativeLogProbGradient(Tensor z, float weight, Tensor gradient)
    {
        ArgumentNullException.ThrowIfNull(z);
        ArgumentNullException.ThrowIfNull(gradient);
        TensorPrimitives.Multiply(z.Data, weight, gradient.Data);
    }

    /// <inheritdoc/>
    public Tensor Sample(int count, RandomSource random, float temperature = 1f)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentNullException.ThrowIfNull(random);
        if (!(temperature > 0f) || !float.IsFinite(temperature))
        {
            throw new ArgumentOutOfRangeException(
                nameof(temperature), temperature, "temperature must be positive and finite.");
        }

        var z = new Tensor(count, Features);
        random.FillGaussian(z.Data, temperature);

        return z;
    }

    private void CheckWidth(Tensor z)
    {
        if (z.RowLength != Features)
        {
            throw new ArgumentException(
                $"z has {z.RowLength} values per row but the distribution has {Features} dimensions.", nameof(z));
        }
    }
}
