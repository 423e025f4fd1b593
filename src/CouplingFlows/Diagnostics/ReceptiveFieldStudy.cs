using CouplingFlows.Nn;
using CouplingFlows.Numerics;
using CouplingFlows.Transforms;

namespace CouplingFlows.Diagnostics;

/// <summary>
/// Which inputs influence each output of a coupling stack after k layers, read from the non-zero
/// pattern of the real Jacobian.
/// </summary>
/// <remarks>
/// <para>One coupling makes each transformed feature depend on itself and on every feature its
/// conditioner reads; kept features depend only on themselves. Stacking couplings whose masks differ
/// composes these patterns (the Jacobian of the stack is the product of the layers'), so the receptive
/// field grows with depth until every output depends on every input.</para>
/// <para>The Jacobian comes from the layers' double twins by forward-mode differentiation
/// (<see cref="ReferenceJacobian"/>) where they exist: an input the output never reads contributes a
/// derivative of exactly zero, and a real dependency is far above <see cref="ReferenceThreshold"/>.
/// Layers without a twin fall back to float32 central differences with h = 1e-2, where only exact
/// zeros count as independence.</para>
/// </remarks>
public static class ReceptiveFieldStudy
{
    /// <summary>|J_ij| above this counts as a dependency on the double-precision path.</summary>
    public const double ReferenceThreshold = 1e-12;

    /// <summary>Builds a random affine coupling stack over D features with the given mask scheme.</summary>
    /// <param name="scheme">How masks change between layers.</param>
    /// <param name="features">D, at least 2.</param>
    /// <param name="layers">The number of couplings.</param>
    /// <param name="hiddenFeatures">Conditioner width (tanh MLP with two hidden layers, Glorot).</param>
    /// <param name="random">Seeds the weights and the random masks.</param>
    /// <returns>The stack.</returns>
    public static CompositeTransform BuildTabularStack(
        TabularMaskScheme scheme, int features, int layers, int hiddenFeatures, RandomSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
        var options = new MlpOptions(hiddenFeatures, 2, Activation.Tanh);
        var stack = new List<ITransform>(layers);
        for (int l = 0; l < layers; l++)
        {
            CouplingMask mask = scheme switch
            {
                TabularMaskScheme.Alternating => CouplingMask.Alternating(features, keepEven: l % 2 == 0),
                TabularMaskScheme.HalfSplit => CouplingMask.HalfSplit(features, keepFirst: l % 2 == 0),
                TabularMaskScheme.Random => CouplingMask.Random(features, random),
                _ => throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "Unknown mask scheme."),
            };
            var conditioner = new Mlp(
                $"coupling{l}", mask.IdentityIndices.Count, 2 * mask.TransformedIndices.Count, options, random);
            stack.Add(new AffineCoupling(mask, conditioner));
        }

        return new CompositeTransform(stack);
    }

    /// <summary>Measures the tabular stacks of every scheme at every depth.</summary>
    /// <param name="options">The settings.</param>
    /// <returns>One entry per scheme and depth.</returns>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public static IReadOnlyList<ReceptiveFieldDepth> Tabular(ReceptiveFieldOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var points = new Tensor(options.Points, options.Features);
        new RandomSource(options.Seed).FillGaussian(points.Data);
        var results = new List<ReceptiveFieldDepth>();
        foreach (TabularMaskScheme scheme in options.Schemes)
        {
            var random = new RandomSource(options.Seed + 1 + (int)scheme);
            CompositeTransform stack = BuildTabularStack(
                scheme, options.Features, options.Depths.Max(), options.HiddenFeatures, random);
            IReadOnlyList<DependencyMatrix> patterns = Measure(stack, options.Depths, points);
            for (int k = 0; k < options.Depths.Count; k++)
            {
                results.Add(new ReceptiveFieldDepth(SchemeName(scheme), options.Depths[k], patterns[k]));
            }
        }

        return results;
    }

    /// <summary>The dependency pattern of the first k layers of a stack, for each requested k.</summary>
    /// <param name="stack">The stack; layers without a double twin are measured in float32.</param>
    /// <param name="depths">The prefix lengths k, each in [1, number of layers].</param>
    /// <param name="points">(P, D) points whose patterns are joined.</param>
    /// <param name="extension">Builds double twins for layer types the builder does not know, or null.</param>
    /// <returns>One pattern per depth, in the order given.</returns>
    /// <exception cref="ArgumentException">A depth is out of range or the points have the wrong width.</exception>
    public static IReadOnlyList<DependencyMatrix> Measure(
        CompositeTransform stack,
        IReadOnlyList<int> depths,
        Tensor points,
        Func<ITransform, IReferenceLayer?>? extension = null)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(depths);
        ArgumentNullException.ThrowIfNull(points);
        if (points.RowLength != stack.Features || points.Rows < 1)
        {
            throw new ArgumentException(
                $"points has shape {points.ShapeText()} but the stack has {stack.Features} features.", nameof(points));
        }

        var results = new List<DependencyMatrix>(depths.Count);
        foreach (int k in depths)
        {
            if (k < 1 || k > stack.Layers.Count)
            {
                throw new ArgumentException(
                    $"Depth {k} is outside [1, {stack.Layers.Count}], the layers of the stack.", nameof(depths));
            }

            var prefix = new CompositeTransform(stack.Layers.Take(k));
            results.Add(Pattern(prefix, points, extension));
        }

        return results;
    }

    /// <summary>The CLI name of a scheme: alternating, half-split or random.</summary>
    /// <param name="scheme">The scheme.</param>
    /// <returns>Its name.</returns>
    public static string SchemeName(TabularMaskScheme scheme) => scheme switch
    {
        TabularMaskScheme.Alternating => "alternating",
        TabularMaskScheme.HalfSplit => "half-split",
        TabularMaskScheme.Random => "random",
        _ => scheme.ToString(),
    };

    private static DependencyMatrix Pattern(
        CompositeTransform transform, Tensor points, Func<ITransform, IReferenceLayer?>? extension)
    {
        var jacobians = new List<double[,]>(points.Rows);
        if (ReferenceBuilder.IsSupported(transform, extension))
        {
            IReferenceLayer reference = ReferenceBuilder.Create(transform, extension);
            for (int p = 0; p < points.Rows; p++)
            {
                double[] point = [.. points.Row(p).ToArray().Select(v => (double)v)];
                jacobians.Add(ReferenceJacobian.Compute(reference, point));
            }

            return DependencyMatrix.FromJacobians(jacobians, ReferenceThreshold);
        }

        for (int p = 0; p < points.Rows; p++)
        {
            jacobians.Add(NumericalJacobian.Compute(transform, points.Row(p), 1e-2));
        }

        return DependencyMatrix.FromJacobians(jacobians, 0);
    }
}
