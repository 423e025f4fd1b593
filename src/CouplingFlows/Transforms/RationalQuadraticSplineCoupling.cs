using CouplingFlows.Nn;
using CouplingFlows.Transforms.Splines;

namespace CouplingFlows.Transforms;

/// <summary>
/// The rational-quadratic spline coupling of Neural Spline Flows: each transformed feature passes
/// through its own monotone spline on [−B, B], whose knots the conditioner computes from the kept
/// features.
/// </summary>
/// <remarks>
/// <para>θ row layout: for each transformed feature j in order, P = 3K − 1 contiguous raw values
/// [K widths | K heights | K − 1 interior derivatives]; the conditioner writes |B| · (3K − 1) values.
/// See <see cref="RawParametersPerFeature"/>.</para>
/// <para>y_B,j = gⱼ(x_B,j; θⱼ), log|det J| = Σⱼ ln gⱼ′(x_B,j); outside [−B, B] gⱼ is the identity and
/// contributes 0. The map from θⱼ to knots and its guards (minimum bin width and height, minimum
/// derivative, boundary derivatives fixed to 1) are described in <see cref="SplineOptions"/>; the
/// per-bin formulas and the inverse in <see cref="RationalQuadraticSpline"/>.</para>
/// <para>A conditioner whose last layer starts at zero outputs θ = 0, which gives uniform bins, unit
/// derivatives and hence exactly the identity map.</para>
/// <para>Durkan, Bekasov, Murray and Papamakarios, "Neural Spline Flows" (2019), §3 and §4.1,
/// <see href="https://arxiv.org/abs/1906.04032"/>.</para>
/// </remarks>
public sealed class RationalQuadraticSplineCoupling : CouplingTransform
{
    private const int StackKnotLimit = 64;

    /// <summary>Creates a spline coupling.</summary>
    /// <param name="mask">The split of the features.</param>
    /// <param name="conditioner">Reads |A| + contextFeatures values and writes |B| · (3K − 1).</param>
    /// <param name="options">K, B and the numerical guards; null for the defaults (K = 8, B = 3,
    /// minimum width, height and derivative 10⁻³).</param>
    /// <param name="contextFeatures">Context width, 0 for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="mask"/> or
    /// <paramref name="conditioner"/> is null.</exception>
    /// <exception cref="ArgumentException">The conditioner's input or output width does not
    /// fit.</exception>
    public RationalQuadraticSplineCoupling(
        CouplingMask mask, IConditioner conditioner, SplineOptions? options = null, int contextFeatures = 0)
        : base(mask, conditioner, (options ?? new SplineOptions()).ParametersPerFeature, contextFeatures)
    {
        Options = options ?? new SplineOptions();
    }

    /// <summary>The spline settings.</summary>
    public SplineOptions Options { get; }

    /// <summary>P = 3K − 1: the conditioner outputs per transformed feature for K bins (K widths,
    /// K heights and K − 1 interior derivatives; the two boundary derivatives are fixed to 1).</summary>
    /// <param name="binCount">K, at least 2.</param>
    /// <returns>3K − 1.</returns>
    /// <exception cref="ArgumentOutOfRangeException">K is below 2.</exception>
    public static int RawParametersPerFeature(int binCount)
    {
        SplineOptions.ValidateBinCount(binCount);

        return (3 * binCount) - 1;
    }

    /// <inheritdoc/>
    protected override void ForwardFunction(
        ReadOnlySpan<float> xB, ReadOnlySpan<float> theta, Span<float> yB, Span<float> logAbsDet, int rows) =>
        Map(xB, theta, yB, logAbsDet, rows, inverse: false);

    /// <inheritdoc/>
    protected override void InverseFunction(
        ReadOnlySpan<float> yB, ReadOnlySpan<float> theta, Span<float> xB, Span<float> logAbsDet, int rows) =>
        Map(yB, theta, xB, logAbsDet, rows, inverse: true);

    /// <inheritdoc/>
    /// <remarks>
    /// Per element the spline's backward pass gives ∂L/∂x and the gradients of its knots and
    /// derivatives, which are then carried through the cumulative sums, softmax and softplus to the raw
    /// values; see <see cref="SplineOptions"/>. Elements in the tails receive ∂L/∂x = ∂L/∂y and zero
    /// parameter gradient.
    /// </remarks>
    protected override void BackwardFunction(
        ReadOnlySpan<float> xB,
        ReadOnlySpan<float> theta,
        ReadOnlySpan<float> outputGradient,
        ReadOnlySpan<float> logAbsDetGradient,
        Span<float> inputGradient,
        Span<float> thetaGradient,
        int rows)
    {
        int binCount = Options.BinCount;
        int perFeature = ParametersPerFeature;
        int width = Mask.TransformedIndices.Count;
        int knotLength = SplineKnots.Length(binCount);
        int length = knotLength + SplineKnotGradients.Length(binCount);
        Span<float> buffer = binCount <= StackKnotLimit ? stackalloc float[length] : new float[length];
        var knots = new SplineKnots(buffer, binCount);
        var gradients = new SplineKnotGradients(buffer[knotLength..], binCount);
        float bound = Options.TailBound;
        using var block = new SplineBlock(theta, Options, rows * width);
        for (int e = 0; e < rows * width; e++)
        {
            ReadOnlySpan<float> raw = theta.Slice(e * perFeature, perFeature);
            Span<float> rawGradient = thetaGradient.Slice(e * perFeature, perFeature);
            float x = xB[e];
            if (!(x >= -bound && x <= bound))
            {
                inputGradient[e] = outputGradient[e];
                rawGradient.Clear();
                continue;
            }

            SplineParameterization.Parameterize(
                raw, block.ShareExponentials(e), block.DerivativeLogs(e), Options, knots);
            inputGradient[e] = SplineKernel.Backward(
                x, knots.X, knots.Y, knots.Derivatives, outputGradient[e], logAbsDetGradient[e / width],
                gradients);
            SplineParameterization.ChainToRaw(
                raw, block.DerivativeExponentials(e), Options, knots, gradients, rawGradient);
        }
    }

    private void Map(
        ReadOnlySpan<float> input, ReadOnlySpan<float> theta, Span<float> output, Span<float> logAbsDet,
        int rows, bool inverse)
    {
        int binCount = Options.BinCount;
        int perFeature = ParametersPerFeature;
        int width = Mask.TransformedIndices.Count;
        int length = SplineKnots.Length(binCount);
        Span<float> buffer = binCount <= StackKnotLimit ? stackalloc float[length] : new float[length];
        var knots = new SplineKnots(buffer, binCount);
        float bound = Options.TailBound;
        using var block = new SplineBlock(theta, Options, rows * width);
        for (int i = 0; i < rows; i++)
        {
            double sum = 0.0;
            for (int j = 0; j < width; j++)
            {
                int e = (i * width) + j;
                float value = input[e];
                if (!(value >= -bound && value <= bound))
                {
                    output[e] = value;
                    continue;
                }

                ReadOnlySpan<float> raw = theta.Slice(e * perFeature, perFeature);
                SplineParameterization.Parameterize(
                    raw, block.ShareExponentials(e), block.DerivativeLogs(e), Options, knots);
                SplineValue result = inverse
                    ? SplineKernel.Inverse(value, knots.X, knots.Y, knots.Derivatives)
                    : SplineKernel.Forward(value, knots.X, knots.Y, knots.Derivatives);
                output[e] = result.Output;
                sum += result.LogAbsDet;
            }

            logAbsDet[i] += (float)sum;
        }
    }
}
