using CouplingFlows.Nn;
using CouplingFlows.Numerics;
using CouplingFlows.Transforms;

namespace CouplingFlows.Diagnostics;

/// <summary>
/// Receptive fields of image coupling stacks: which input pixels reach each output after k couplings,
/// read from the non-zero pattern of the real Jacobian of a random stack.
/// </summary>
/// <remarks>
/// <para>Conditioners are small residual convolutional nets (3x3 kernels), so one checkerboard coupling
/// reaches a few pixels around each transformed pixel and the field grows with depth; a squeeze (a fixed
/// permutation of 2x2 blocks into channels) lets channel-wise couplings mix neighbouring pixels.</para>
/// <para>For the squeezing schemes the squeeze is counted as part of the first coupling's depth.</para>
/// </remarks>
public static class ImageReceptiveFieldStudy
{
    /// <summary>Builds a random stack of the given scheme with <paramref name="couplings"/> couplings.</summary>
    /// <param name="scheme">The masks.</param>
    /// <param name="shape">(C, H, W); even H and W for the squeezing schemes.</param>
    /// <param name="couplings">The number of couplings, at least 1.</param>
    /// <param name="random">The random source of the weights.</param>
    /// <returns>The stack (a leading squeeze for <see cref="ImageMaskScheme.Channel"/> and
    /// <see cref="ImageMaskScheme.Alternating"/>).</returns>
    public static CompositeTransform BuildStack(
        ImageMaskScheme scheme, ImageShape shape, int couplings, RandomSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(couplings, 1);
        var options = new ResidualConvNetOptions(8, 1, Activation.Tanh, WeightInit.GlorotUniform, false);
        var layers = new List<ITransform>();
        ImageShape grid = shape;
        if (scheme != ImageMaskScheme.Checkerboard)
        {
            var squeeze = new Squeeze(shape);
            layers.Add(squeeze);
            grid = squeeze.OutputShape;
        }

        for (int l = 0; l < couplings; l++)
        {
            bool checkerboard = scheme == ImageMaskScheme.Checkerboard
                || (scheme == ImageMaskScheme.Alternating && l % 2 == 0);
            string name = $"coupling{l}";
            if (checkerboard)
            {
                CouplingMask mask = CouplingMask.Checkerboard(grid, keepEven: l % 2 == 0);
                var network = new ResidualConvNet(name, grid, 2 * grid.Channels, options, random);
                layers.Add(new AffineCoupling(mask, new MaskedGridConditioner(mask, network, 2)));
            }
            else
            {
                bool keepFirst = scheme == ImageMaskScheme.Channel ? l % 2 == 0 : (l / 2) % 2 == 0;
                CouplingMask mask = CouplingMask.ChannelWise(grid, keepFirst);
                int kept = mask.IdentityIndices.Count / grid.Pixels;
                var keptShape = new ImageShape(kept, grid.Height, grid.Width);
                var network = new ResidualConvNet(name, keptShape, 2 * (grid.Channels - kept), options, random);
                layers.Add(new AffineCoupling(mask, network));
            }
        }

        return new CompositeTransform(layers);
    }

    /// <summary>Measures receptive-field sizes at each depth for each scheme.</summary>
    /// <param name="shape">(C, H, W).</param>
    /// <param name="schemes">The mask schemes.</param>
    /// <param name="depths">Numbers of couplings, each at least 1.</param>
    /// <param name="points">Inputs at which Jacobians are taken (a dependency seen at any point counts).</param>
    /// <param name="seed">Seeds weights and points.</param>
    /// <returns>One entry per scheme and depth.</returns>
    public static IReadOnlyList<ReceptiveFieldDepth> Run(
        ImageShape shape, IReadOnlyList<ImageMaskScheme> schemes, IReadOnlyList<int> depths, int points, long seed)
    {
        ArgumentNullException.ThrowIfNull(schemes);
        ArgumentNullException.ThrowIfNull(depths);
        var inputs = new Tensor(points, shape.Length);
        new RandomSource(seed).FillGaussian(inputs.Data);
        var results = new List<ReceptiveFieldDepth>();
        foreach (ImageMaskScheme scheme in schemes)
        {
            CompositeTransform stack = BuildStack(scheme, shape, depths.Max(), new RandomSource(seed + 1));
            int offset = scheme == ImageMaskScheme.Checkerboard ? 0 : 1;
            IReadOnlyList<DependencyMatrix> patterns = ReceptiveFieldStudy.Measure(
                stack, [.. depths.Select(d => d + offset)], inputs);
            for (int k = 0; k < depths.Count; k++)
            {
                results.Add(new ReceptiveFieldDepth(scheme.ToString().ToLowerInvariant(), depths[k], patterns[k]));
            }
        }

        return results;
    }
}
