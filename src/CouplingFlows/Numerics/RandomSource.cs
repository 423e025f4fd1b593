using System.Numerics;

namespace CouplingFlows.Numerics;

/// <summary>
/// A seeded pseudo-random source (xoshiro256**) with uniform and Gaussian draws.
/// </summary>
/// <remarks>
/// <para>The same seed always gives the same stream on every machine. The whole state is four
/// 64-bit words (<see cref="GetState"/>, <see cref="SetState"/>) so that an interrupted training run
/// resumes the exact stream.</para>
/// <para>Gaussian draws use the Box–Muller transform, z = √(−2 ln u₁) cos(2π u₂), with u₁ in (0, 1].
/// An instance is not thread-safe.</para>
/// <para>Generator: Blackman and Vigna, "Scrambled linear pseudorandom number generators" (2021),
/// <see href="https://doi.org/10.1145/3460772"/>.</para>
/// </remarks>
public sealed class RandomSource
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;
    private double _spareGaussian;
    private bool _hasSpare;

    /// <summary>Creates a source from a seed.</summary>
    /// <param name="seed">Any 64-bit value; equal seeds give equal streams.</param>
    public RandomSource(long seed)
    {
        ulong x = (ulong)seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>The next raw 64-bit value.</summary>
    /// <returns>A uniformly distributed 64-bit word.</returns>
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);

        return result;
    }

    /// <summary>A uniform double in [0, 1).</summary>
    /// <returns>A value with 53 random bits.</returns>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform float in [0, 1).</summary>
    /// <returns>A value with 24 random bits.</returns>
    public float NextSingle() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>A uniform integer in [0, maxExclusive).</summary>
    /// <param name="maxExclusive">The exclusive upper bound; must be positive.</param>
    /// <returns>The drawn integer.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxExclusive"/> is not positive.</exception>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);

        // Lemire's multiply-shift with rejection keeps the draw exactly uniform.
        ulong range = (ulong)maxExclusive;
        ulong threshold = (0UL - range) % range;
        while (true)
        {
            ulong product = Math.BigMul(NextUInt64(), range, out ulong low);
            if (low >= threshold)
            {
                return (int)product;
            }
        }
    }

    /// <summary>Box–Muller pairs drawn per SIMD block in <see cref="FillGaussian"/>.</summary>
    private const int GaussianBlockPairs = 256;

    /// <summary>A standard normal draw.</summary>
    /// <returns>A value from N(0, 1).</returns>
    public double NextGaussian()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spareGaussian;
        }

        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        double radius = Math.Sqrt(-2.0 * Math.Log(u1));
        (double sin, double cos) = Math.SinCos(2.0 * Math.PI * u2);
        _spareGaussian = radius * sin;
        _hasSpare = true;

        return radius * cos;
    }

    /// <summary>Fills a span with N(0, σ²) draws.</summary>
    /// <param name="destination">Where to write.</param>
    /// <param name="standardDeviation">σ, non-negative.</param>
    /// <remarks>Draws the same stream as repeated <see cref="NextGaussian"/> calls (cosine then sine of
    /// each Box–Muller pair); long spans take the logarithms, square roots and sines a block at a
    /// time with SIMD, which agrees with the scalar functions to within an ulp of a double.</remarks>
    public void FillGaussian(Span<float> destination, float standardDeviation = 1f)
    {
        int i = 0;
        if (_hasSpare && destination.Length > 0)
        {
            destination[0] = (float)(NextGaussian() * standardDeviation);
            i = 1;
        }

        while (destination.Length - i >= 2 * GaussianBlockPairs)
        {
            FillGaussianBlock(destination.Slice(i, 2 * GaussianBlockPairs), standardDeviation);
            i += 2 * GaussianBlockPairs;
        }

        for (; i < destination.Length; i++)
        {
            destination[i] = (float)(NextGaussian() * standardDeviation);
        }
    }

    /// <summary>Box–Muller on <see cref="GaussianBlockPairs"/> pairs at once: z₀ = r cos θ, z₁ = r sin θ
    /// with r = √(−2 ln u₁), θ = 2π u₂.</summary>
    private void FillGaussianBlock(Span<float> destination, float standardDeviation)
    {
        Span<double> radius = stackalloc double[GaussianBlockPairs];
        Span<double> angle = stackalloc double[GaussianBlockPairs];
        Span<double> sin = stackalloc double[GaussianBlockPairs];
        Span<double> cos = stackalloc double[GaussianBlockPairs];
        for (int j = 0; j < GaussianBlockPairs; j++)
        {
            radius[j] = 1.0 - NextDouble();
            angle[j] = 2.0 * Math.PI * NextDouble();
        }

        TensorPrimitives.Log(radius, radius);
        TensorPrimitives.Multiply(radius, -2.0, radius);
        TensorPrimitives.Sqrt(radius, radius);
        TensorPrimitives.SinCos(angle, sin, cos);
        for (int j = 0; j < GaussianBlockPairs; j++)
        {
            destination[2 * j] = (float)(radius[j] * cos[j] * standardDeviation);
            destination[(2 * j) + 1] = (float)(radius[j] * sin[j] * standardDeviation);
        }
    }

    /// <summary>Fills a span with uniform draws from [low, high).</summary>
    /// <param name="destination">Where to write.</param>
    /// <param name="low">Inclusive lower bound.</param>
    /// <param name="high">Exclusive upper bound.</param>
    public void FillUniform(Span<float> destination, float low, float high)
    {
        float width = high - low;
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = low + (width * NextSingle());
        }
    }

    /// <summary>Shuffles a span in place (Fisher–Yates).</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="values">The values to permute.</param>
    public void Shuffle<T>(Span<T> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary>A random permutation of 0..count−1.</summary>
    /// <param name="count">The number of elements.</param>
    /// <returns>The permutation.</returns>
    public int[] Permutation(int count)
    {
        int[] result = new int[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = i;
        }

        Shuffle<int>(result);

        return result;
    }

    /// <summary>The full generator state, for checkpoints.</summary>
    /// <returns>Four state words and the cached Gaussian, as a record.</returns>
    public RandomSourceState GetState() => new(_s0, _s1, _s2, _s3, _hasSpare, _spareGaussian);

    /// <summary>Restores a state taken by <see cref="GetState"/>.</summary>
    /// <param name="state">The saved state.</param>
    /// <exception cref="ArgumentException">All four words are zero (not a valid state).</exception>
    public void SetState(RandomSourceState state)
    {
        if ((state.S0 | state.S1 | state.S2 | state.S3) == 0)
        {
            throw new ArgumentException("A random state of four zero words is invalid.", nameof(state));
        }

        (_s0, _s1, _s2, _s3) = (state.S0, state.S1, state.S2, state.S3);
        _hasSpare = state.HasSpareGaussian;
        _spareGaussian = state.SpareGaussian;
    }

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        ulong z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;

        return z ^ (z >> 31);
    }
}
