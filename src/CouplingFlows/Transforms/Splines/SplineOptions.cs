namespace CouplingFlows.Transforms.Splines;

/// <summary>
/// The settings of a monotone rational-quadratic spline built from raw conditioner outputs:
/// bin count K, tail bound B and the three numerical guards.
/// </summary>
/// <remarks>
/// <para>Bin widths: wₖ = 2B · (MinBinWidth + (1 − K · MinBinWidth) · softmax(u)ₖ), k = 1..K, so
/// every bin is at least 2B · MinBinWidth wide and the knots run from −B to B. Heights likewise
/// with MinBinHeight. Hence K · MinBinWidth &lt; 1 and K · MinBinHeight &lt; 1 are required.</para>
/// <para>Interior knot derivatives: dₖ = MinDerivative + (1 − MinDerivative) · softplus(rₖ) / ln 2,
/// so dₖ &gt; MinDerivative and a raw value rₖ = 0 gives dₖ = 1 exactly. The two boundary derivatives
/// are fixed to 1, the slope of the identity tails outside [−B, B].</para>
/// <para>Durkan, Bekasov, Murray and Papamakarios, "Neural Spline Flows" (2019), §3.1 and
/// appendix A.1, <see href="https://arxiv.org/abs/1906.04032"/>.</para>
/// </remarks>
public sealed record SplineOptions
{
    /// <summary>The default bin count K.</summary>
    public const int DefaultBinCount = 8;

    /// <summary>The default tail bound B: the spline acts on [−3, 3], the identity elsewhere.</summary>
    public const float DefaultTailBound = 3f;

    /// <summary>The default of each guard: minimum width and height fractions and minimum slope.</summary>
    public const float DefaultMinimum = 1e-3f;

    /// <summary>Creates validated spline settings.</summary>
    /// <param name="binCount">K, the number of bins, at least 2.</param>
    /// <param name="tailBound">B, positive and finite: the spline covers [−B, B] in x and in y.</param>
    /// <param name="minBinWidth">Minimum bin width as a fraction of 2B, in (0, 1/K).</param>
    /// <param name="minBinHeight">Minimum bin height as a fraction of 2B, in (0, 1/K).</param>
    /// <param name="minDerivative">Lower bound of the interior knot derivatives, in (0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">A value lies outside its range.</exception>
    public SplineOptions(
        int binCount = DefaultBinCount,
        float tailBound = DefaultTailBound,
        float minBinWidth = DefaultMinimum,
        float minBinHeight = DefaultMinimum,
        float minDerivative = DefaultMinimum)
    {
        ValidateBinCount(binCount);
        if (!(tailBound > 0f) || float.IsInfinity(tailBound))
        {
            throw new ArgumentOutOfRangeException(
                nameof(tailBound), tailBound, $"tailBound must be positive and finite; got {tailBound}.");
        }

        ValidateMinimum(minBinWidth, binCount, nameof(minBinWidth));
        ValidateMinimum(minBinHeight, binCount, nameof(minBinHeight));
        if (!(minDerivative > 0f && minDerivative < 1f))
        {
            throw new ArgumentOutOfRangeException(
                nameof(minDerivative),
                minDerivative,
                $"minDerivative must lie in (0, 1); got {minDerivative}.");
        }

        BinCount = binCount;
        TailBound = tailBound;
        MinBinWidth = minBinWidth;
        MinBinHeight = minBinHeight;
        MinDerivative = minDerivative;
    }

    /// <summary>K, the number of bins.</summary>
    public int BinCount { get; }

    /// <summary>B: the spline maps [−B, B] onto itself; outside it the map is the identity.</summary>
    public float TailBound { get; }

    /// <summary>The smallest bin width, as a fraction of the interval length 2B.</summary>
    public float MinBinWidth { get; }

    /// <summary>The smallest bin height, as a fraction of the interval length 2B.</summary>
    public float MinBinHeight { get; }

    /// <summary>The lower bound of the interior knot derivatives (the flattest reachable slope).</summary>
    public float MinDerivative { get; }

    /// <summary>P = 3K − 1, the raw values per transformed feature: K widths, K heights and
    /// K − 1 interior derivatives.</summary>
    public int ParametersPerFeature => (3 * BinCount) - 1;

    /// <summary>Throws unless K ≥ 2.</summary>
    /// <param name="binCount">K.</param>
    /// <exception cref="ArgumentOutOfRangeException">K is below 2.</exception>
    internal static void ValidateBinCount(int binCount)
    {
        if (binCount < 2)
        {
            throw new ArgumentOutOfRangeException(
                nameof(binCount), binCount, $"binCount must be at least 2; got {binCount}.");
        }
    }

    private static void ValidateMinimum(float minimum, int binCount, string name)
    {
        if (!(minimum > 0f) || binCount * (double)minimum >= 1.0)
        {
            throw new ArgumentOutOfRangeException(
                name, minimum,
                $"{name} must be positive with binCount x {name} below 1; got {minimum} with "
                + $"binCount {binCount}.");
        }
    }
}
