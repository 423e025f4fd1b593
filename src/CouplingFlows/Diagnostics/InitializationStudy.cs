using CouplingFlows.Flows;
using CouplingFlows.Nn;
using CouplingFlows.Numerics;
using CouplingFlows.Transforms;

namespace CouplingFlows.Diagnostics;

/// <summary>
/// How the start of the conditioners shapes a fresh RealNVP flow: the distribution of the log-scales s
/// and of the total log-determinant as couplings are stacked.
/// </summary>
/// <remarks>
/// <para>Each coupling adds Σⱼ sⱼ to log|det J|, with s = c·tanh(h/c) and h the conditioner's raw
/// output. Glorot initialisation keeps Var(h) near the input's scale through tanh layers (Glorot and
/// Bengio, 2010, §4.2), so s stays small and the sum stays near zero. N(0, 1) weights give
/// Var(h) ≈ fan_in, so s sits at ±c in every coupling, the log-det drifts by about c·√(kD/2) after
/// k layers, and the shifts t, which are not bounded, can carry the data past float32's range.
/// A zero last layer gives h = 0, s = 0: exactly the identity.</para>
/// </remarks>
public static class InitializationStudy
{
    /// <summary>Runs the study.</summary>
    /// <param name="options">The settings.</param>
    /// <returns>One entry per scheme and depth, in the order of the options.</returns>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public static IReadOnlyList<InitializationStatistics> Run(InitializationStudyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var inputs = new Tensor(options.Rows, options.Features);
        new RandomSource(options.Seed).FillGaussian(inputs.Data);
        var results = new List<InitializationStatistics>();
        foreach (InitializationScheme scheme in options.Schemes)
        {
            results.AddRange(Measure(scheme, inputs, options));
        }

        return results;
    }

    /// <summary>The flow spec a scheme stands for.</summary>
    /// <param name="scheme">The scheme.</param>
    /// <param name="features">D.</param>
    /// <param name="layers">The number of couplings.</param>
    /// <param name="hiddenFeatures">Conditioner width.</param>
    /// <param name="hiddenLayers">Conditioner depth.</param>
    /// <returns>A RealNVP spec without preprocessing.</returns>
    public static FlowSpec SpecFor(
        InitializationScheme scheme, int features, int layers, int hiddenFeatures, int hiddenLayers) => new()
        {
            Kind = FlowKind.RealNvp,
            Features = features,
            Layers = layers,
            HiddenFeatures = hiddenFeatures,
            HiddenLayers = hiddenLayers,
            Activation = scheme == InitializationScheme.GlorotRelu ? Activation.Relu : Activation.Tanh,
            Init = scheme == InitializationScheme.StandardNormal ? WeightInit.StandardNormal : WeightInit.GlorotUniform,
            ZeroLastLayer = scheme == InitializationScheme.ZeroLastLayer,
        };

    private static List<InitializationStatistics> Measure(
        InitializationScheme scheme, Tensor inputs, InitializationStudyOptions options)
    {
        int deepest = options.Depths.Max();
        FlowSpec spec = SpecFor(scheme, options.Features, deepest, options.HiddenFeatures, options.HiddenLayers);
        Flow flow = FlowBuilder.Build(spec, new RandomSource(options.Seed + 1 + (int)scheme));
        var couplings = ((CompositeTransform)flow.Transform).Layers.OfType<AffineCoupling>().ToArray();
        var logScales = new RunningStatistics();
        var rawLogScales = new RunningStatistics();
        double[] total = new double[inputs.Rows];
        var results = new List<InitializationStatistics>();
        Tensor current = inputs;
        for (int k = 1; k <= deepest; k++)
        {
            AffineCoupling coupling = couplings[k - 1];
            AddLogScales(coupling, current, logScales, rawLogScales);
            TransformResult result = coupling.Forward(current);
            for (int i = 0; i < total.Length; i++)
            {
                total[i] += result.LogAbsDet[i];
            }

            current = result.Output;
            if (options.Depths.Contains(k))
            {
                results.Add(new InitializationStatistics(
                    scheme, k, logScales.Summary, rawLogScales.Summary, SummaryStatistics.Of(total),
                    SummaryStatistics.Of(current.Data.Select(v => (double)v))));
            }
        }

        return results;
    }

    /// <summary>Adds h and s = c·tanh(h/c) of every transformed feature of every row.</summary>
    private static void AddLogScales(
        AffineCoupling coupling, Tensor x, RunningStatistics statistics, RunningStatistics raw)
    {
        IReadOnlyList<int> identity = coupling.Mask.IdentityIndices;
        int transformed = coupling.Mask.TransformedIndices.Count;
        var input = new Tensor(x.Rows, identity.Count);
        for (int i = 0; i < x.Rows; i++)
        {
            for (int j = 0; j < identity.Count; j++)
            {
                input[i, j] = x[i, identity[j]];
            }
        }

        Tensor theta = coupling.Conditioner.Forward(input);
        for (int i = 0; i < x.Rows; i++)
        {
            for (int j = 0; j < transformed; j++)
            {
                statistics.Add(coupling.LogScale(theta[i, j]));
                raw.Add(theta[i, j]);
            }
        }
    }
}
