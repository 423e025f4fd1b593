namespace CouplingFlows.Transforms.Splines;

/// <summary>
/// Views over one workspace buffer holding the knots of one spline and the softmax shares they
/// came from, so that a kernel evaluates many splines without allocating.
/// </summary>
/// <remarks>
/// Layout for K bins: x-knots (K + 1), y-knots (K + 1), knot derivatives (K + 1), width shares (K),
/// height shares (K); <see cref="Length"/> = 5K + 3 values.
/// </remarks>
internal readonly ref struct SplineKnots
{
    /// <summary>Slices a buffer of at least <see cref="Length"/>(K) values.</summary>
    public SplineKnots(Span<float> buffer, int binCount)
    {
        int knots = binCount + 1;
        X = buffer[..knots];
        Y = buffer.Slice(knots, knots);
        Derivatives = buffer.Slice(2 * knots, knots);
        WidthShares = buffer.Slice(3 * knots, binCount);
        HeightShares = buffer.Slice((3 * knots) + binCount, binCount);
    }

    /// <summary>x₀ &lt; x₁ &lt; … &lt; x_K.</summary>
    public Span<float> X { get; }

    /// <summary>y₀ &lt; y₁ &lt; … &lt; y_K.</summary>
    public Span<float> Y { get; }

    /// <summary>d₀ … d_K, all positive.</summary>
    public Span<float> Derivatives { get; }

    /// <summary>softmax of the raw widths, pₖ, k = 0..K−1.</summary>
    public Span<float> WidthShares { get; }

    /// <summary>softmax of the raw heights, k = 0..K−1.</summary>
    public Span<float> HeightShares { get; }

    /// <summary>The buffer length needed for K bins.</summary>
    public static int Length(int binCount) => (5 * binCount) + 3;
}
