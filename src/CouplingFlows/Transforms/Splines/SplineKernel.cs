namespace CouplingFlows.Transforms.Splines;

/// <summary>
/// Kernels of the monotone rational-quadratic spline given its knots: the map, its inverse and the
/// backward pass. Public entry points validate; these only assert.
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
        int bin,
        float x,
        ReadOnlySpan<float> knotX,
        ReadOnlySpan<float> knotY,
        ReadOnlySpan<float> derivatives)
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
        int bin,
        float y,
        ReadOnlySpan<float> knotX,
        ReadOnlySpan<float> knotY,
        ReadOnlySpan<float> derivatives)
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
        SplineKnotGradients gradients)
    {
        gradients.Clear();
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
        gradients.X[bin] = (float)((-gXi / g.W) - gW);
        gradients.X[bin + 1] = (float)gW;
        gradients.Y[bin] = (float)(gy - gH);
        gradients.Y[bin + 1] = (float)gH;
        gradients.Derivatives[bin] = (float)((gy * g.H * rD0) + (gl * lD0));
        gradients.Derivatives[bin + 1] = (float)((gy * g.H * rD1) + (gl * lD1));

        return (float)(gXi / g.W);
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

    /// <summary>One bin's geometry in double: left knot, width, height, slope and end
    /// derivatives.</summary>
    private readonly struct Bin
    {
        public Bin(
            ReadOnlySpan<float> knotX, ReadOnlySpan<float> knotY, ReadOnlySpan<float> derivatives, int bin)
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
