using CouplingFlows.Distributions;
using CouplingFlows.Nn;
using CouplingFlows.Numerics;
using CouplingFlows.Transforms;
using CouplingFlows.Transforms.Splines;

namespace CouplingFlows.Flows;

/// <summary>
/// Builds flows from a <see cref="FlowSpec"/>: preprocessing, then couplings whose masks alternate
/// between the even and the odd features, then (NICE) a learned diagonal scaling.
/// </summary>
/// <remarks>
/// <para><see cref="FlowKind.RealNvpImage"/> follows the preprocessing with RealNVP's multi-scale
/// architecture instead (<see cref="MultiScaleTransform"/>: checkerboard and channel-wise couplings,
/// squeezes, factored-out channels).</para>
/// <para>Its discrete preprocessing is the scaling by 1/L and the logit only, without the per-pixel
/// standardisation: a convolutional conditioner shares its weights over all positions and needs to see
/// that a blank border is blank, and its ActNorm layers normalise per channel instead. On 8x8 digits
/// (300 steps, width 16, one block) this gave 2.30 test bits/dim against 2.64 with standardisation.</para>
/// </remarks>
public static class FlowBuilder
{
    /// <summary>Builds a freshly initialised flow.</summary>
    /// <param name="spec">The architecture.</param>
    /// <param name="random">The random source for the weights; the same seed gives the same flow.</param>
    /// <returns>The flow, with a standard normal base.</returns>
    /// <exception cref="ArgumentException">The spec is invalid.</exception>
    public static Flow Build(FlowSpec spec, RandomSource random)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(random);
        spec.Validate();
        var layers = new List<ITransform>();
        AddPreprocessing(spec, layers);
        if (spec.Kind == FlowKind.RealNvpImage)
        {
            layers.Add(ImageFlowBuilder.Build(spec, random));
            return new Flow(new CompositeTransform(layers), new StandardNormal(spec.Features), spec);
        }

        for (int l = 0; l < spec.Layers; l++)
        {
            CouplingMask mask = CouplingMask.Alternating(spec.Features, keepEven: l % 2 == 0);
            layers.Add(BuildCoupling(spec, mask, $"coupling{l}", random));
        }

        if (spec.Kind == FlowKind.Nice)
        {
            layers.Add(new ElementwiseAffine("scaling", spec.Features, trainable: true));
        }

        return new Flow(new CompositeTransform(layers), new StandardNormal(spec.Features), spec);
    }

    /// <summary>The name of the fixed standardisation layer that preprocessing adds.</summary>
    public const string StandardizationName = "standardize";

    /// <summary>
    /// Fits the flow's fixed standardisation layer (if it has one) to training rows: the rows are passed
    /// through the preprocessing layers before it, and its shift and scale are set to the column means and
    /// standard deviations there, so the couplings see data of unit scale.
    /// </summary>
    /// <param name="flow">A flow from this builder.</param>
    /// <param name="train">(N, D) training rows in data space (dequantised already for discrete data).</param>
    /// <returns>True when the flow had a standardisation layer to fit.</returns>
    /// <exception cref="ArgumentException">A column is constant, so it cannot be standardised; the message
    /// names the 1-based column.</exception>
    public static bool FitStandardization(Flow flow, Tensor train)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(train);
        if (flow.Transform is not CompositeTransform stack)
        {
            return false;
        }

        int index = -1;
        for (int l = 0; l < stack.Layers.Count && index < 0; l++)
        {
            if (stack.Layers[l] is ElementwiseAffine { Parameters: [{ Name: var name }, ..] }
                && name.StartsWith(StandardizationName + ".", StringComparison.Ordinal))
            {
                index = l;
            }
        }

        if (index < 0)
        {
            return false;
        }

        // Rows pass through the layers before the standardisation a chunk at a time, so that a large set
        // needs no full-size copy per layer; the sums run over rows in order, as in one pass.
        int d = train.RowLength;
        double[] sums = new double[d];
        double[] sumSquares = new double[d];
        for (int start = 0; start < train.Rows; start += StatisticsChunkRows)
        {
            int count = Math.Min(StatisticsChunkRows, train.Rows - start);
            Tensor current = new(train.Data.AsSpan(start * d, count * d).ToArray(), [count, .. train.Shape.Skip(1)]);
            for (int l = 0; l < index; l++)
            {
                current = stack.Layers[l].Forward(current).Output;
            }

            AddColumnSums(current, sums, sumSquares);
        }

        int constant = SetToStatistics((ElementwiseAffine)stack.Layers[index], sums, sumSquares, train.Rows);
        if (constant >= 0)
        {
            throw new ArgumentException(
                $"Column {constant + 1} is constant in the training rows, so it cannot be standardised and has no "
                + "density; remove it or train without standardisation.",
                nameof(train));
        }

        return true;
    }

    /// <summary>Rows per chunk when the standardisation is fitted.</summary>
    private const int StatisticsChunkRows = 1024;

    private static void AddColumnSums(Tensor data, double[] sums, double[] sumSquares)
    {
        int d = data.RowLength;
        for (int i = 0; i < data.Rows; i++)
        {
            ReadOnlySpan<float> row = data.Row(i);
            for (int j = 0; j < d; j++)
            {
                double v = row[j];
                sums[j] += v;
                sumSquares[j] += v * v;
            }
        }
    }

    /// <returns>−1, or the 0-based index of the first constant column (the layer is then partly set).</returns>
    private static int SetToStatistics(ElementwiseAffine layer, double[] sums, double[] sumSquares, int rows)
    {
        for (int j = 0; j < sums.Length; j++)
        {
            double mean = sums[j] / rows;
            double variance = Math.Max(0, (sumSquares[j] / rows) - (mean * mean));
            if (!(variance > 1e-12 * Math.Max(1, mean * mean)))
            {
                return j;
            }

            layer.Shift[j] = (float)mean;
            layer.LogScale[j] = (float)(-0.5 * Math.Log(variance));
        }

        return -1;
    }

    private static void AddPreprocessing(FlowSpec spec, List<ITransform> layers)
    {
        switch (spec.Preprocessing)
        {
            case PreprocessingKind.None:
                break;
            case PreprocessingKind.Standardize:
                layers.Add(new ElementwiseAffine(StandardizationName, spec.Features, trainable: false));
                break;
            case PreprocessingKind.DequantizeLogit:
                var scale = new ElementwiseAffine("scale", spec.Features, trainable: false);
                scale.LogScale.Fill(-MathF.Log(spec.Levels));
                layers.Add(scale);
                layers.Add(new Logit(spec.Features, spec.LogitAlpha));
                if (spec.Kind != FlowKind.RealNvpImage)
                {
                    layers.Add(new ElementwiseAffine(StandardizationName, spec.Features, trainable: false));
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(
                    nameof(spec), spec.Preprocessing, "Unknown preprocessing.");
        }
    }

    private static CouplingTransform BuildCoupling(FlowSpec spec, CouplingMask mask, string name, RandomSource random)
    {
        int kept = mask.IdentityIndices.Count;
        int changed = mask.TransformedIndices.Count;
        return spec.Kind switch
        {
            FlowKind.RealNvp => new AffineCoupling(
                mask, Conditioner(name, kept, 2 * changed, spec, random), spec.ScaleBound),
            FlowKind.Nice => new AdditiveCoupling(mask, Conditioner(name, kept, changed, spec, random)),
            FlowKind.Nsf => SplineCoupling(spec, mask, name, random),
            _ => throw new NotSupportedException(
                $"Flow kind {spec.Kind} is built by its own builder, not as a stack of tabular couplings."),
        };
    }

    private static RationalQuadraticSplineCoupling SplineCoupling(
        FlowSpec spec, CouplingMask mask, string name, RandomSource random)
    {
        var options = new SplineOptions(spec.Bins, spec.TailBound);
        int outputs = mask.TransformedIndices.Count * options.ParametersPerFeature;
        return new RationalQuadraticSplineCoupling(
            mask, Conditioner(name, mask.IdentityIndices.Count, outputs, spec, random), options);
    }

    private static IConditioner Conditioner(string name, int inputs, int outputs, FlowSpec spec, RandomSource random)
    {
        if (spec.ResidualConditioner)
        {
            var residual = new ResidualMlpOptions(
                spec.HiddenFeatures, Math.Max(1, spec.HiddenLayers), spec.Activation, spec.Init, spec.ZeroLastLayer);
            return new ResidualMlp(name, inputs, outputs, residual, random);
        }

        var options = new MlpOptions(
            spec.HiddenFeatures, spec.HiddenLayers, spec.Activation, spec.Init, spec.ZeroLastLayer);
        return new Mlp(name, inputs, outputs, options, random);
    }
}
