using System.Diagnostics;

namespace CouplingFlows.Transforms.Splines;

/// <summary>
/// Kernels of the monotone rational-quadratic spline: knots from raw values, the map, its inverse
/// and the backward pass. Public entry points validate; these only assert.
/// </summary>
/// <remarks>
/// <para>Notation for bin k (x in [xₖ, xₖ₊₁]): wₖ = xₖ₊₁ − xₖ, hₖ = yₖ₊₁ − yₖ, sₖ = hₖ / wₖ,
/// ξ = (x − xₖ) / wₖ, t = ξ(1 − ξ), δ = dₖ + dₖ₊₁ − 2sₖ. Then (Durkan et al. 2019, eq. 4 and 5,
/// after Gregory and Delbourgo 1982)</para>
/// <para>y = yₖ + hₖ · N / D, N = sₖ ξ² + dₖ t, D = sₖ + δ t,</para>
/// <para>dy/dx = (sₖ / D)² · M, M = dₖ₊₁ ξ² + 2 sₖ t + dₖ (1 − ξ)².</para>
/// <para>Precision: knots are float, as the raw values they come from; the map, the inverse and the
/// gradients are evaluated in double from them and rounded once. The float differences of knots and
/// inputs are then exact, a knot maps exactly onto its knot from either adjacent bin, and the
/// round trip is limited only by the float rounding of the output.</para>
/// </remarks>
internal static class SplineKernel
{
    /// <summary>ln 2 from the same routine that evaluates softplus(0), so their ratio is exactly 1.</summary>
    private static readonly double Ln2 = Math.Log(2.0);

    /// <summary>Knots, derivatives and shares of one spline from its 3K − 1 raw values.</summary>
    /// <remarks>
    /// <para>Fractions: Cⱼ = Σ_{i&lt;j} (m + (1 − Km) pᵢ), computed as Uⱼ + (1 − Km)(Pⱼ − Uⱼ) with
    /// Pⱼ = Σ_{i&lt;j} pᵢ and Uⱼ = j / K, so equal raw values give the uniform grid bit for bit
    /// whatever the minimum m. Knots xⱼ = 2B Cⱼ − B, with x₀ = −B and x_K = B set exactly.</para>
    /// <para>Derivatives dⱼ = m_d + (1 − m_d) softplus(rⱼ) / ln 2, evaluated in double so that
    /// rⱼ = 0 gives exactly 1; see <see cref="Derivative"/>.</para>
    /// </remarks>
    public static void Parameterize(ReadOnlySpan<float> raw, SplineOptions options, SplineKnots knots)
    {
        int k = options.BinCount;
        Debug.Assert(raw.Length == (3 * k) - 1, "raw must hold 3K - 1 values.");
        Softmax(raw[..k], knots.WidthShares);
        Softmax(raw.Slice(k, k), knots.HeightShares);
        PlaceKnots(knots.WidthShares, options.MinBinWidth, options.TailBound, knots.X);
        PlaceKnots(knots.HeightShares, options.MinBinHeight, options.TailBound, knots.Y);
        Span<float> derivatives = knots.Derivatives;
        derivatives[0] = 1f;
        derivatives[k] = 1f;
        for (int j = 1; j < k; j++)
        {
            derivatives[j] = Derivative(raw[(2 * k) + j - 1], options.MinDerivative);
        }
    }

    /// <summary>y and log dy/dx at x; the identity with log-det 0 outside [x₀, x_K].</summary>
    public static SplineValue Forward(
        float x, ReadOnlySpan<float> knotX, ReadOnlySpan<float> knotY, ReadOnlySpan<float> derivatives)
    {
        int last = knotX.Length - 1;
        if (!(x >= knotX[0] && x <= knotX[last]))
        {
            return new SplineValue(x, 0f);
        }

        return ForwardInBin(FindBin(knotX, x), x, knotX, knotY, derivatives);
    }

    /// <summary>The forward map evaluated with the formula of a given bin; for x on a knot either
    /// adjacent bin gives the same bits.</summary>
    public static SplineValue ForwardInBin(
        int bin, float x, ReadOnlySpan<float> knotX, ReadOnlySpan<float> knotY, ReadOnlySpan<float> derivatives)
    {
        if (IsIdentityBin(bin, knotX, knotY, derivatives))
        {
            return new SplineValue(x, 0f);
        }

        var g = new Bin(knotX, knotY, derivatives, bin);
        double xi = (x - g.X0) / g.W;
        double t = xi * (1.0 - xi);
        double den = g.S + ((g.D0 + g.D1 - (2.0 * g.S)) * t);
        double ratio = ((g.S * xi * xi) + (g.D0 * t)) / den;
        double y = Math.Clamp(g.Y0 + (g.H * ratio), g.Y0, g.Y0 + g.H);

        return new SplineValue((float)y, (float)LogSlope(g, xi, den));
    }

    /// <summary>x and log dx/dy at y; the identity with log-det 0 outside [y₀, y_K].</summary>
    /// <remarks>
    /// <para>With β = y − yₖ the bin's ξ solves a ξ² + b ξ + c = 0 for
    /// a = hₖ(sₖ − dₖ) + β δ, b = hₖ dₖ − β δ, c = −sₖ β (Durkan et al. 2019, eq. 6–8).</para>
    /// <para>The root in [0, 1] is taken as ξ = 2c / (−b − √(b² − 4ac)), which neither cancels nor
    /// divides by a, so an identity bin (a = 0) needs no special case. The discriminant is
    /// mathematically positive; a value that rounds below 0 is clamped to 0, and ξ to [0, 1]. The end
    /// points β = 0 and β = hₖ give ξ = 0 and ξ = 1 exactly, so a knot maps back onto its knot.</para>
    /// </remarks>
    public static SplineValue Inverse(
        float y, ReadOnlySpan<float> knotX, ReadOnlySpan<float> knotY, ReadOnlySpan<float> derivatives)
    {
        int last = knotY.Length - 1;
        if (!(y >= knotY[0] && y <= knotY[last]))
        {
            return new SplineValue(y, 0f);
        }

        return InverseInBin(FindBin(knotY, y), y, knotX, knotY, derivatives);
    }

    /// <summary>The inverse evaluated with the formula of a given bin; for y on a knot either adjacent
    /// bin gives the same x up to the float rounding of the output.</summary>
    public static SplineValue InverseInBin(
        int bin, float y, ReadOnlySpan<float> knotX, ReadOnlySpan<float> knotY, ReadOnlySpan<float> derivatives)
    {
        if (IsIdentityBin(bin, knotX, knotY, derivatives))
        {
            return new SplineValue(y, 0f);
        }

        var g = new Bin(knotX, knotY, derivatives, bin);
        double beta = y - g.Y0;
        double delta = g.D0 + g.D1 - (2.0 * g.S);
        double a = (g.H * (g.S - g.D0)) + (beta * delta);
        double b = (g.H * g.D0) - (beta * delta);
        double c = -g.S * beta;
        double discriminant = Math.Max((b * b) - (4.0 * a * c), 0.0);
        double denominator = -b - Math.Sqrt(discriminant);
        double xi = beta >= g.H ? 1.0
            : c == 0.0 || denominator == 0.0 ? 0.0
            : Math.Clamp(2.0 * c / denominator, 0.0, 1.0);
        double x = Math.Clamp(g.X0 + (g.W * xi), g.X0, g.X0 + g.W);
        double den = g.S + (delta * xi * (1.0 - xi));

        return new SplineValue((float)x, (float)-LogSlope(g, xi, den));
    }

    /// <summary>∂L/∂x at x, and ∂L/∂(knots, derivatives) written into the three gradient spans.</summary>
    /// <remarks>
    /// <para>With upstream gradients g_y = ∂L/∂y and g_ℓ = ∂L/∂log(dy/dx), R = N / D and
    /// ℓ = 2 ln sₖ + ln M − 2 ln D:</para>
    /// <para>G_ξ = g_y hₖ ∂R/∂ξ + g_ℓ ∂ℓ/∂ξ, G_s = g_y hₖ ∂R/∂s + g_ℓ ∂ℓ/∂s,</para>
    /// <para>G_h = g_y R + G_s / wₖ, G_w = −(G_s sₖ + G_ξ ξ) / wₖ,</para>
    /// <para>∂L/∂x = G_ξ / wₖ, ∂L/∂xₖ = −G_ξ / wₖ − G_w, ∂L/∂xₖ₊₁ = G_w, ∂L/∂yₖ = g_y − G_h,
    /// ∂L/∂yₖ₊₁ = G_h, ∂L/∂dₖ = g_y hₖ ∂R/∂dₖ + g_ℓ ∂ℓ/∂dₖ and likewise for dₖ₊₁.</para>
    /// <para>Outside [x₀, x_K] the map is the identity: ∂L/∂x = g_y and every knot gradient is 0.</para>
    /// </remarks>
    public static float Backward(
        float x,
        ReadOnlySpan<float> knotX,
        ReadOnlySpan<float> knotY,
        ReadOnlySpan<float> derivatives,
        float outputGradient,
        float logAbsDetGradient,
        Span<float> knotXGradient,
        Span<float> knotYGradient,
        Span<float> derivativeGradient)
    {
        knotXGradient.Clear();
        knotYGradient.Clear();
        derivativeGradient.Clear();
        int last = knotX.Length - 1;
        if (!(x >= knotX[0] && x <= knotX[last]))
        {
            return outputGradient;
        }

        int bin = FindBin(knotX, x);
        var g = new Bin(knotX, knotY, derivatives, bin);
        double gy = outputGradient;
        double gl = logAbsDetGradient;
        double xi = (x - g.X0) / g.W;
        double eta = 1.0 - xi;
        double t = xi * eta;
        double delta = g.D0 + g.D1 - (2.0 * g.S);
        double den = g.S + (delta * t);
        double num = (g.S * xi * xi) + (g.D0 * t);
        double m = (g.D1 * xi * xi) + (2.0 * g.S * t) + (g.D0 * eta * eta);
        double inverseDen = 1.0 / den;
        double ratio = num * inverseDen;
        double denXi = delta * (1.0 - (2.0 * xi));

        // ∂R/∂ξ, ∂R/∂s, ∂R/∂dₖ, ∂R/∂dₖ₊₁ and the same four partials of ℓ.
        double rXi = (((2.0 * g.S * xi) + (g.D0 * (1.0 - (2.0 * xi)))) - (ratio * denXi)) * inverseDen;
        double rS = ((xi * xi) - (ratio * (1.0 - (2.0 * t)))) * inverseDen;
        double rD0 = t * (1.0 - ratio) * inverseDen;
        double rD1 = -ratio * t * inverseDen;
        double mXi = 2.0 * ((g.D1 * xi) + (g.S * (1.0 - (2.0 * xi))) - (g.D0 * eta));
        double lXi = (mXi / m) - (2.0 * denXi * inverseDen);
        double lS = (2.0 / g.S) + (2.0 * t / m) - (2.0 * (1.0 - (2.0 * t)) * inverseDen);
        double lD0 = (eta * eta / m) - (2.0 * t * inverseDen);
        double lD1 = (xi * xi / m) - (2.0 * t * inverseDen);

        double gXi = (gy * g.H * rXi) + (gl * lXi);
        double gS = (gy * g.H * rS) + (gl * lS);
        double gH = (gy * ratio) + (gS / g.W);
        double gW = -((gS * g.S) + (gXi * xi)) / g.W;
        knotXGradient[bin] = (float)((-gXi / g.W) - gW);
        knotXGradient[bin + 1] = (float)gW;
        knotYGradient[bin] = (float)(gy - gH);
        knotYGradient[bin + 1] = (float)gH;
        derivativeGradient[bin] = (float)((gy * g.H * rD0) + (gl * lD0));
        derivativeGradient[bin + 1] = (float)((gy * g.H * rD1) + (gl * lD1));

        return (float)(gXi / g.W);
    }

    /// <summary>Maps knot gradients back to the 3K − 1 raw values through the cumulative sums, the
    /// softmax and the softplus.</summary>
    /// <remarks>
    /// <para>∂L/∂Wᵢ = 2B Σ_{j=i+1}^{K−1} ∂L/∂xⱼ (x₀ and x_K are constants), then
    /// ∂L/∂uᵢ = (1 − Km) pᵢ (∂L/∂Wᵢ − Σₗ pₗ ∂L/∂Wₗ); likewise for heights.</para>
    /// <para>∂L/∂rⱼ = ∂L/∂dⱼ · (1 − m_d) / ln 2 · σ(rⱼ) for the interior derivatives j = 1..K − 1.</para>
    /// </remarks>
    public static void ChainToRaw(
        ReadOnlySpan<float> raw,
        SplineOptions options,
        SplineKnots knots,
        ReadOnlySpan<float> knotXGradient,
        ReadOnlySpan<float> knotYGradient,
        ReadOnlySpan<float> derivativeGradient,
        Span<float> rawGradient)
    {
        int k = options.BinCount;
        float twoBound = 2f * options.TailBound;
        SharesBackward(knotXGradient, knots.WidthShares, options.MinBinWidth, twoBound, rawGradient[..k]);
        SharesBackward(knotYGradient, knots.HeightShares, options.MinBinHeight, twoBound, rawGradient.Slice(k, k));
        double scale = (1.0 - options.MinDerivative) / Ln2;
        for (int j = 1; j < k; j++)
        {
            int index = (2 * k) + j - 1;
            rawGradient[index] = (float)(derivativeGradient[j] * scale * Sigmoid(raw[index]));
        }
    }

    /// <summary>The bin k with xₖ ≤ value &lt; xₖ₊₁, or K − 1 for value = x_K.</summary>
    public static int FindBin(ReadOnlySpan<float> knots, float value)
    {
        int bin = 0;
        int last = knots.Length - 2;
        while (bin < last && value >= knots[bin + 1])
        {
            bin++;
        }

        return bin;
    }

    /// <summary>d = m + (1 − m) · softplus(r) / ln 2 in double, rounded once: relative precision
    /// for small d, and r = 0 gives exactly 1 because softplus(0) and the divisor are the same
    /// double ln 2.</summary>
    public static float Derivative(float r, float minimum)
    {
        double softplus = r <= 0f ? Math.Log(1.0 + Math.Exp(r)) : r + Math.Log(1.0 + Math.Exp(-r));

        return (float)(minimum + ((1.0 - minimum) * (softplus / Ln2)));
    }

    private static double Sigmoid(float r)
    {
        if (r >= 0f)
        {
            return 1.0 / (1.0 + Math.Exp(-r));
        }

        double e = Math.Exp(r);
        return e / (1.0 + e);
    }

    private static double LogSlope(in Bin g, double xi, double den)
    {
        double eta = 1.0 - xi;
        double q = g.S / den;
        double m = (g.D1 * xi * xi) + (2.0 * g.S * xi * eta) + (g.D0 * eta * eta);

        return Math.Log(q * q * m);
    }

    /// <summary>A bin on the diagonal with unit slopes at both ends is exactly y = x.</summary>
    private static bool IsIdentityBin(
        int bin, ReadOnlySpan<float> knotX, ReadOnlySpan<float> knotY, ReadOnlySpan<float> derivatives) =>
        knotX[bin] == knotY[bin] && knotX[bin + 1] == knotY[bin + 1]
        && derivatives[bin] == 1f && derivatives[bin + 1] == 1f;

    private static void Softmax(ReadOnlySpan<float> raw, Span<float> shares)
    {
        float max = raw[0];
        for (int i = 1; i < raw.Length; i++)
        {
            max = MathF.Max(max, raw[i]);
        }

        float sum = 0f;
        for (int i = 0; i < raw.Length; i++)
        {
            float e = MathF.Exp(raw[i] - max);
            shares[i] = e;
            sum += e;
        }

        float inverse = 1f / sum;
        for (int i = 0; i < raw.Length; i++)
        {
            shares[i] *= inverse;
        }
    }

    private static void PlaceKnots(ReadOnlySpan<float> shares, float minimum, float bound, Span<float> knots)
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
            double widthGradient = twoBound * suffix;
            rawGradient[i] = (float)(scale * shares[i] * (widthGradient - dot));
            suffix += i >= 1 ? knotGradient[i] : 0.0;
        }
    }

    /// <summary>One bin's geometry in double: left knot, width, height, slope and end derivatives.</summary>
    private readonly struct Bin
    {
        public Bin(ReadOnlySpan<float> knotX, ReadOnlySpan<float> knotY, ReadOnlySpan<float> derivatives, int bin)
        {
            X0 = knotX[bin];
            W = (double)knotX[bin + 1] - knotX[bin];
            Y0 = knotY[bin];
            H = (double)knotY[bin + 1] - knotY[bin];
            S = H / W;
            D0 = derivatives[bin];
            D1 = derivatives[bin + 1];
        }

        public double X0 { get; }

        public double W { get; }

        public double Y0 { get; }

        public double H { get; }

        public double S { get; }

        public double D0 { get; }

        public double D1 { get; }
    }
}
