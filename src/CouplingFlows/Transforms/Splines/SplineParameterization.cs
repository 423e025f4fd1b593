using System.Diagnostics;

namespace CouplingFlows.Transforms.Splines;

/// <summary>
/// From 3K − 1 raw values to knots and knot derivatives, and the gradient of that map.
/// </summary>
/// <remarks>
/// <para>Widths: Wᵢ = m + (1 − Km) pᵢ with p = softmax(u), i = 0..K−1; knots xⱼ = 2B Σ_{i&lt;j} Wᵢ − B.
/// Heights and y-knots likewise with their own minimum. Interior derivatives
/// dⱼ = m_d + (1 − m_d) softplus(rⱼ) / ln 2, j = 1..K−1; d₀ = d_K = 1.</para>
/// <para>The exponentials of a whole block of splines are taken at once with SIMD
/// (<see cref="Exponentiate"/>); the rest runs per spline. The softmax uses exp(uᵢ − max u) and the
/// softplus max(r, 0) + ln(1 + e^(−|r|)), so neither overflows; the softplus runs in double so that a
/// derivative near m_d keeps its relative precision.</para>
/// <para>Durkan et al., "Neural Spline Flows" (2019), §3.1 and appendix A.1,
/// <see href="https://arxiv.org/abs/1906.04032"/>.</para>
/// </remarks>
internal static class SplineParameterization
{
    private const int StackLimit = 256;

    /// <summary>ln 2 in double, the divisor of the scaled softplus.</summary>
    private static readonly double Ln2 = Math.Log(2.0);

    /// <summary>Fills, for each of <paramref name="count"/> splines whose raw values lie one after the
    /// other in <paramref name="theta"/>: exp(u − max u) of the widths and of the heights (2K values),
    /// t = e^(−|r|) of the K − 1 derivatives, and ln(1 + t).</summary>
    public static void Exponentiate(
        ReadOnlySpan<float> theta,
        SplineOptions options,
        int count,
        Span<float> shareExponentials,
        Span<double> derivativeExponentials,
        Span<double> derivativeLogs)
    {
        int k = options.BinCount;
        int perFeature = (3 * k) - 1;
        int interior = k - 1;
        for (int e = 0; e < count; e++)
        {
            ReadOnlySpan<float> raw = theta.Slice(e * perFeature, perFeature);
            Span<float> shares = shareExponentials.Slice(e * 2 * k, 2 * k);
            Shift(raw[..k], shares[..k]);
            Shift(raw.Slice(k, k), shares[k..]);
            Span<double> t = derivativeExponentials.Slice(e * interior, interior);
            for (int j = 0; j < interior; j++)
            {
                t[j] = -Math.Abs((double)raw[(2 * k) + j]);
            }
        }

        Span<float> allShares = shareExponentials[..(count * 2 * k)];
        Span<double> allExponentials = derivativeExponentials[..(count * interior)];
        Span<double> allLogs = derivativeLogs[..(count * interior)];
        TensorPrimitives.Exp(allShares, allShares);
        TensorPrimitives.Exp(allExponentials, allExponentials);
        TensorPrimitives.Add(allExponentials, 1.0, allLogs);
        TensorPrimitives.Log(allLogs, allLogs);
    }

    /// <summary>Knots, derivatives and softmax shares of one spline, given its raw values and the
    /// exponentials <see cref="Exponentiate"/> computed for it.</summary>
    /// <remarks>
    /// <para>The fractions Cⱼ = Σ_{i&lt;j} Wᵢ are computed as Uⱼ + (1 − Km)(Pⱼ − Uⱼ) with
    /// Pⱼ = Σ_{i&lt;j} pᵢ and Uⱼ = j / K: equal raw values give the uniform grid bit for bit whatever
    /// the minimum, so the x- and y-knots coincide. x₀ = −B and x_K = B are set exactly. A raw
    /// derivative of exactly 0 gives exactly 1 (the formula's value, without the rounding of
    /// ln 2).</para>
    /// </remarks>
    public static void Parameterize(
        ReadOnlySpan<float> raw,
        ReadOnlySpan<float> shareExponentials,
        ReadOnlySpan<double> derivativeLogs,
        SplineOptions options,
        SplineKnots knots)
    {
        int k = options.BinCount;
        Debug.Assert(raw.Length == (3 * k) - 1, "raw must hold 3K - 1 values.");
        Normalize(shareExponentials[..k], knots.WidthShares);
        Normalize(shareExponentials.Slice(k, k), knots.HeightShares);
        PlaceKnots(knots.WidthShares, options.MinBinWidth, options.TailBound, knots.X);
        PlaceKnots(knots.HeightShares, options.MinBinHeight, options.TailBound, knots.Y);
        Span<float> derivatives = knots.Derivatives;
        double minimum = options.MinDerivative;
        double scale = (1.0 - minimum) / Ln2;
        derivatives[0] = 1f;
        derivatives[k] = 1f;
        for (int j = 1; j < k; j++)
        {
            float r = raw[(2 * k) + j - 1];
            double softplus = Math.Max(r, 0f) + derivativeLogs[j - 1];
            derivatives[j] = r == 0f ? 1f : (float)(minimum + (scale * softplus));
        }
    }

    /// <summary>Knots of a single spline, for callers outside a block.</summary>
    public static void Parameterize(ReadOnlySpan<float> raw, SplineOptions options, SplineKnots knots)
    {
        int k = options.BinCount;
        int doubles = 2 * (k - 1);
        Span<float> shares = k <= StackLimit ? stackalloc float[2 * k] : new float[2 * k];
        Span<double> exponentials = k <= StackLimit ? stackalloc double[doubles] : new double[doubles];
        Exponentiate(raw, options, 1, shares, exponentials[..(k - 1)], exponentials[(k - 1)..]);
        Parameterize(raw, shares, exponentials[(k - 1)..], options, knots);
    }

    /// <summary>Maps gradients of the knots and derivatives back to the 3K − 1 raw values.</summary>
    /// <remarks>
    /// <para>∂L/∂Wᵢ = 2B Σ_{j=i+1}^{K−1} ∂L/∂xⱼ (x₀ and x_K are constants), then through the softmax
    /// ∂L/∂uᵢ = (1 − Km) pᵢ (∂L/∂Wᵢ − Σₗ pₗ ∂L/∂Wₗ); likewise for the heights.</para>
    /// <para>∂L/∂rⱼ = ∂L/∂dⱼ · (1 − m_d) / ln 2 · σ(rⱼ), with σ(r) = 1 / (1 + t) for r ≥ 0 and
    /// t / (1 + t) for r &lt; 0, t = e^(−|r|) from <see cref="Exponentiate"/>.</para>
    /// </remarks>
    public static void ChainToRaw(
        ReadOnlySpan<float> raw,
        ReadOnlySpan<double> derivativeExponentials,
        SplineOptions options,
        SplineKnots knots,
        SplineKnotGradients gradients,
        Span<float> rawGradient)
    {
        int k = options.BinCount;
        float twoBound = 2f * options.TailBound;
        SharesBackward(gradients.X, knots.WidthShares, options.MinBinWidth, twoBound, rawGradient[..k]);
        SharesBackward(
            gradients.Y, knots.HeightShares, options.MinBinHeight, twoBound, rawGradient.Slice(k, k));
        double scale = (1.0 - options.MinDerivative) / Ln2;
        for (int j = 1; j < k; j++)
        {
            int index = (2 * k) + j - 1;
            double t = derivativeExponentials[j - 1];
            double sigmoid = raw[index] >= 0f ? 1.0 / (1.0 + t) : t / (1.0 + t);
            rawGradient[index] = (float)(gradients.Derivatives[j] * scale * sigmoid);
        }
    }

    private static void Shift(ReadOnlySpan<float> raw, Span<float> shifted)
    {
        float max = TensorPrimitives.Max(raw);
        for (int i = 0; i < raw.Length; i++)
        {
            shifted[i] = raw[i] - max;
        }
    }

    private static void Normalize(ReadOnlySpan<float> exponentials, Span<float> shares)
    {
        float sum = 0f;
        for (int i = 0; i < exponentials.Length; i++)
        {
            sum += exponentials[i];
        }

        float inverse = 1f / sum;
        for (int i = 0; i < exponentials.Length; i++)
        {
            shares[i] = exponentials[i] * inverse;
        }
    }

    private static void PlaceKnots(
        ReadOnlySpan<float> shares, float minimum, float bound, Span<float> knots)
    {
        int k = shares.Length;
        float uniform = 1f / k;
        float scale = 1f - (k * minimum);
        float twoBound = 2f * bound;
        float cumulativeShare = 0f;
        float cumulativeUniform = 0f;
        knots[0] = -bound;
        for (int j = 1; j < k; j++)
        {
            cumulativeShare += shares[j - 1];
            cumulativeUniform += uniform;
            float fraction = cumulativeUniform + (scale * (cumulativeShare - cumulativeUniform));
            knots[j] = (twoBound * fraction) - bound;
        }

        knots[k] = bound;
    }

    private static void SharesBackward(
        ReadOnlySpan<float> knotGradient, ReadOnlySpan<float> shares, float minimum, float twoBound,
        Span<float> rawGradient)
    {
        int k = shares.Length;
        double suffix = 0.0;
        double dot = 0.0;
        for (int i = k - 1; i >= 1; i--)
        {
            suffix += knotGradient[i];
            dot += shares[i - 1] * twoBound * suffix;
        }

        double scale = 1.0 - (k * (double)minimum);
        suffix = 0.0;
        for (int i = k - 1; i >= 0; i--)
        {
            rawGradient[i] = (float)(scale * shares[i] * ((twoBound * suffix) - dot));
            suffix += i >= 1 ? knotGradient[i] : 0.0;
        }
    }
}
