namespace CouplingFlows.Transforms.Splines;

/// <summary>
/// A monotone rational-quadratic spline given by its knots and knot derivatives, with identity
/// tails outside [x₀, x_K].
/// </summary>
/// <remarks>
/// <para>For x in bin k, with wₖ = xₖ₊₁ − xₖ, hₖ = yₖ₊₁ − yₖ, sₖ = hₖ / wₖ, ξ = (x − xₖ) / wₖ:</para>
/// <para>y = yₖ + hₖ (sₖ ξ² + dₖ ξ(1 − ξ)) / (sₖ + (dₖ₊₁ + dₖ − 2sₖ) ξ(1 − ξ)),</para>
/// <para>dy/dx = sₖ² (dₖ₊₁ ξ² + 2sₖ ξ(1 − ξ) + dₖ (1 − ξ)²) / (sₖ + (dₖ₊₁ + dₖ − 2sₖ) ξ(1 − ξ))².</para>
/// <para>The map is increasing whenever the knots increase and the derivatives are positive, and
/// passes through every knot (xₖ, yₖ) with slope dₖ. Outside [x₀, x_K] it is y = x with log-det 0;
/// the end knots lie on the diagonal so the tails join the spline.</para>
/// <para>The inverse solves a quadratic for ξ in its cancellation-free form; see
/// <see cref="Inverse(float)"/>. Evaluation runs in double from the float knots and rounds once.</para>
/// <para>Durkan, Bekasov, Murray and Papamakarios, "Neural Spline Flows" (2019), §3.1, eq. 4–8,
/// <see href="https://arxiv.org/abs/1906.04032"/>; Gregory and Delbourgo, "Piecewise rational
/// quadratic interpolation to monotonic data", IMA J. Numer. Anal. 2 (1982),
/// <see href="https://doi.org/10.1093/imanum/2.2.123"/>.</para>
/// </remarks>
public sealed class RationalQuadraticSpline
{
    private readonly float[] _knotX;
    private readonly float[] _knotY;
    private readonly float[] _derivatives;

    /// <summary>Creates a spline from K + 1 knots and derivatives.</summary>
    /// <param name="knotX">x₀ &lt; … &lt; x_K, finite, K ≥ 1.</param>
    /// <param name="knotY">y₀ &lt; … &lt; y_K, finite, with y₀ = x₀ and y_K = x_K.</param>
    /// <param name="knotDerivatives">d₀ … d_K, positive and finite.</param>
    /// <exception cref="ArgumentException">The lengths differ or are below 2, the knots are not
    /// strictly increasing and finite, the end knots are off the diagonal, or a derivative is not
    /// positive and finite.</exception>
    public RationalQuadraticSpline(
        ReadOnlySpan<float> knotX, ReadOnlySpan<float> knotY, ReadOnlySpan<float> knotDerivatives)
    {
        if (knotX.Length < 2 || knotY.Length != knotX.Length || knotDerivatives.Length != knotX.Length)
        {
            throw new ArgumentException(
                "knotX, knotY and knotDerivatives must have the same length, at least 2; got "
                + $"{knotX.Length}, {knotY.Length} and {knotDerivatives.Length}.",
                nameof(knotX));
        }

        CheckIncreasing(knotX, nameof(knotX));
        CheckIncreasing(knotY, nameof(knotY));
        int last = knotX.Length - 1;
        if (knotX[0] != knotY[0] || knotX[last] != knotY[last])
        {
            throw new ArgumentException(
                $"The end knots must lie on the diagonal so that the identity tails join the spline; got "
                + $"({knotX[0]}, {knotY[0]}) and ({knotX[last]}, {knotY[last]}).",
                nameof(knotY));
        }

        for (int k = 0; k <= last; k++)
        {
            if (!(knotDerivatives[k] > 0f) || float.IsInfinity(knotDerivatives[k]))
            {
                throw new ArgumentException(
                    $"knotDerivatives[{k}] must be positive and finite; got {knotDerivatives[k]}.",
                    nameof(knotDerivatives));
            }
        }

        _knotX = knotX.ToArray();
        _knotY = knotY.ToArray();
        _derivatives = knotDerivatives.ToArray();
    }

    /// <summary>K, the number of bins.</summary>
    public int BinCount => _knotX.Length - 1;

    /// <summary>x₀ … x_K.</summary>
    public IReadOnlyList<float> KnotX => _knotX;

    /// <summary>y₀ … y_K.</summary>
    public IReadOnlyList<float> KnotY => _knotY;

    /// <summary>d₀ … d_K, the slopes at the knots.</summary>
    public IReadOnlyList<float> KnotDerivatives => _derivatives;

    /// <summary>The spline that 3K − 1 raw values describe under the given settings.</summary>
    /// <param name="raw">K unnormalised widths, K unnormalised heights, K − 1 unnormalised interior
    /// derivatives, in that order; finite.</param>
    /// <param name="options">K, B and the guards; see <see cref="SplineOptions"/>.</param>
    /// <returns>A spline on [−B, B] with boundary derivatives 1.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="raw"/> does not hold 3K − 1 finite
    /// values.</exception>
    public static RationalQuadraticSpline FromUnnormalized(ReadOnlySpan<float> raw, SplineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (raw.Length != options.ParametersPerFeature)
        {
            throw new ArgumentException(
                $"raw has {raw.Length} values but {options.BinCount} bins need "
                + $"{options.ParametersPerFeature} (K widths, K heights, K - 1 derivatives).",
                nameof(raw));
        }

        if (!TensorPrimitives.IsFiniteAll(raw))
        {
            throw new ArgumentException("raw must hold finite values only.", nameof(raw));
        }

        float[] buffer = new float[SplineKnots.Length(options.BinCount)];
        var knots = new SplineKnots(buffer, options.BinCount);
        SplineParameterization.Parameterize(raw, options, knots);

        return new RationalQuadraticSpline(knots.X, knots.Y, knots.Derivatives);
    }

    /// <summary>y = g(x) and ln(dy/dx).</summary>
    /// <param name="x">Any value; outside [x₀, x_K] the spline is the identity.</param>
    /// <returns>The output and its log-slope (0 in the tails).</returns>
    public SplineValue Forward(float x) => SplineKernel.Forward(x, _knotX, _knotY, _derivatives);

    /// <summary>x = g⁻¹(y) and ln(dx/dy).</summary>
    /// <param name="y">Any value; outside [y₀, y_K] the inverse is the identity.</param>
    /// <returns>The input and the log-slope of the inverse, −ln(dy/dx) at that input.</returns>
    /// <remarks>
    /// <para>In bin k, with β = y − yₖ and δ = dₖ + dₖ₊₁ − 2sₖ, ξ is the root in [0, 1] of
    /// a ξ² + b ξ + c = 0, a = hₖ(sₖ − dₖ) + β δ, b = hₖ dₖ − β δ, c = −sₖ β.</para>
    /// <para>It is computed as ξ = 2c / (−b − √(b² − 4ac)): no cancellation, and a = 0 (a bin where
    /// the spline is linear) needs no special case. The discriminant is positive in exact arithmetic
    /// but can round below zero when a derivative is tiny; it is then clamped to 0, and ξ to [0, 1].</para>
    /// </remarks>
    public SplineValue Inverse(float y) => SplineKernel.Inverse(y, _knotX, _knotY, _derivatives);

    /// <summary>Applies the spline to every value of a span.</summary>
    /// <param name="inputs">x values.</param>
    /// <param name="outputs">Receives y, same length as the inputs.</param>
    /// <param name="logAbsDets">Receives ln(dy/dx) per value, same length.</param>
    /// <exception cref="ArgumentException">A destination is shorter than the inputs.</exception>
    public void Forward(ReadOnlySpan<float> inputs, Span<float> outputs, Span<float> logAbsDets)
    {
        CheckDestinations(inputs.Length, outputs.Length, logAbsDets.Length);
        for (int i = 0; i < inputs.Length; i++)
        {
            SplineValue value = SplineKernel.Forward(inputs[i], _knotX, _knotY, _derivatives);
            outputs[i] = value.Output;
            logAbsDets[i] = value.LogAbsDet;
        }
    }

    /// <summary>Applies the inverse to every value of a span.</summary>
    /// <param name="inputs">y values.</param>
    /// <param name="outputs">Receives x, same length as the inputs.</param>
    /// <param name="logAbsDets">Receives ln(dx/dy) per value, same length.</param>
    /// <exception cref="ArgumentException">A destination is shorter than the inputs.</exception>
    public void Inverse(ReadOnlySpan<float> inputs, Span<float> outputs, Span<float> logAbsDets)
    {
        CheckDestinations(inputs.Length, outputs.Length, logAbsDets.Length);
        for (int i = 0; i < inputs.Length; i++)
        {
            SplineValue value = SplineKernel.Inverse(inputs[i], _knotX, _knotY, _derivatives);
            outputs[i] = value.Output;
            logAbsDets[i] = value.LogAbsDet;
        }
    }

    /// <summary>∂L/∂x at x given ∂L/∂y and ∂L/∂ln(dy/dx).</summary>
    /// <param name="x">The input of the forward map.</param>
    /// <param name="outputGradient">∂L/∂y.</param>
    /// <param name="logAbsDetGradient">∂L/∂ln(dy/dx).</param>
    /// <returns>∂L/∂x = ∂L/∂y · dy/dx + ∂L/∂ln(dy/dx) · d ln(dy/dx)/dx; ∂L/∂y in the tails.</returns>
    public float Backward(float x, float outputGradient, float logAbsDetGradient)
    {
        int length = SplineKnotGradients.Length(BinCount);
        Span<float> buffer = length <= 768 ? stackalloc float[length] : new float[length];

        return SplineKernel.Backward(
            x, _knotX, _knotY, _derivatives, outputGradient, logAbsDetGradient,
            new SplineKnotGradients(buffer, BinCount));
    }

    private static void CheckIncreasing(ReadOnlySpan<float> knots, string name)
    {
        for (int k = 0; k < knots.Length; k++)
        {
            if (!float.IsFinite(knots[k]) || (k > 0 && !(knots[k] > knots[k - 1])))
            {
                throw new ArgumentException(
                    $"{name} must be finite and strictly increasing; {name}[{k}] = {knots[k]} breaks that.",
                    name);
            }
        }
    }

    private static void CheckDestinations(int inputs, int outputs, int logAbsDets)
    {
        if (outputs < inputs || logAbsDets < inputs)
        {
            throw new ArgumentException(
                $"The destinations hold {outputs} and {logAbsDets} values but there are {inputs} inputs.",
                nameof(outputs));
        }
    }
}
