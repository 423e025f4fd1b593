using CouplingFlows.Nn;
using CouplingFlows.Numerics;
using CouplingFlows.Transforms;

namespace CouplingFlows.Flows;

/// <summary>
/// Builds the coupling part of <see cref="FlowKind.RealNvpImage"/>: RealNVP's multi-scale
/// architecture over images of <see cref="FlowSpec.ImageShape"/>.
/// </summary>
/// <remarks>
/// <para>Every scale but the last, on (C, H, W): three couplings with alternating checkerboard masks,
/// a squeeze to (4C, H/2, W/2), three couplings with alternating channel-wise masks, then the last 2C
/// channels are factored out and the next scale works on the first 2C, (2C, H/2, W/2). The last scale
/// has four checkerboard couplings and no squeeze, so an odd side (28 → 14 → 7) is fine there.
/// Each coupling is affine with a residual convolutional conditioner and is preceded by an ActNorm.
/// Dinh, Sohl-Dickstein and Bengio (2017), §3.6 and §4.1, <see href="https://arxiv.org/abs/1605.08803"/>;
/// ActNorm from Kingma and Dhariwal (2018), <see href="https://arxiv.org/abs/1807.03039"/>.</para>
/// </remarks>
internal static class ImageFlowBuilder
{
    private const int CheckerboardCouplings = 3;
    private const int ChannelCouplings = 3;
    private const int LastScaleCouplings = 4;

    /// <summary>Checks the image settings of a spec and returns the input shape of every scale.</summary>
    /// <exception cref="ArgumentException">The image shape is missing or does not fit, or the number of
    /// scales is impossible for it.</exception>
    public static ImageShape[] Plan(FlowSpec spec)
    {
        if (spec.ImageShape is null)
        {
            throw new ArgumentException(
                "realnvp-image needs the image shape (C, H, W) of the data; use image data such as "
                + "digits-images or an IDX file.");
        }

        ImageShape shape = ImageShape.FromList(spec.ImageShape);
        if (shape.Length != spec.Features)
        {
            throw new ArgumentException(
                $"The image shape {shape} holds {shape.Length} values but the flow has {spec.Features} features.");
        }

        int most = MostScales(shape);
        int scales = spec.Scales ?? DefaultScales(shape);
        if (scales < 1 || scales > most)
        {
            throw new ArgumentException(
                $"scales must lie in [1, {most}] for {shape} images (every scale but the last halves the height "
                + $"and width, which must then be even, and each scale needs at least 2 pixels); got {scales}.");
        }

        var shapes = new ImageShape[scales];
        shapes[0] = shape;
        for (int s = 1; s < scales; s++)
        {
            ImageShape previous = shapes[s - 1];
            shapes[s] = new ImageShape(2 * previous.Channels, previous.Height / 2, previous.Width / 2);
        }

        return shapes;
    }

    /// <summary>Builds the multi-scale transform, drawing every weight from <paramref name="random"/>.</summary>
    public static MultiScaleTransform Build(FlowSpec spec, RandomSource random)
    {
        ImageShape[] shapes = Plan(spec);
        var options = new ResidualConvNetOptions(
            spec.ConvChannels, spec.ResidualBlocks, spec.Activation, spec.Init, spec.ZeroLastLayer);
        var stages = new List<ITransform>();
        for (int s = 0; s < shapes.Length; s++)
        {
            bool last = s == shapes.Length - 1;
            var layers = new List<ITransform>();
            int checkerboards = last ? LastScaleCouplings : CheckerboardCouplings;
            for (int l = 0; l < checkerboards; l++)
            {
                string name = $"scale{s}.checkerboard{l}";
                layers.Add(new ActNorm(name + ".actnorm", shapes[s]));
                layers.Add(Checkerboard(name, shapes[s], keepEven: l % 2 == 0, options, spec, random));
            }

            if (!last)
            {
                var squeeze = new Squeeze(shapes[s]);
                layers.Add(squeeze);
                for (int l = 0; l < ChannelCouplings; l++)
                {
                    string name = $"scale{s}.channel{l}";
                    layers.Add(new ActNorm(name + ".actnorm", squeeze.OutputShape));
                    layers.Add(ChannelWise(name, squeeze.OutputShape, keepFirst: l % 2 == 0, options, spec, random));
                }
            }

            stages.Add(new CompositeTransform(layers));
        }

        return new MultiScaleTransform(stages);
    }

    private static AffineCoupling Checkerboard(
        string name, ImageShape shape, bool keepEven, ResidualConvNetOptions options, FlowSpec spec,
        RandomSource random)
    {
        CouplingMask mask = CouplingMask.Checkerboard(shape, keepEven);
        var network = new ResidualConvNet(name, shape, 2 * shape.Channels, options, random);
        return new AffineCoupling(mask, new MaskedGridConditioner(mask, network, 2), spec.ScaleBound);
    }

    private static AffineCoupling ChannelWise(
        string name, ImageShape shape, bool keepFirst, ResidualConvNetOptions options, FlowSpec spec,
        RandomSource random)
    {
        CouplingMask mask = CouplingMask.ChannelWise(shape, keepFirst);
        int kept = mask.IdentityIndices.Count / shape.Pixels;
        int changed = shape.Channels - kept;
        var network = new ResidualConvNet(
            name, new ImageShape(kept, shape.Height, shape.Width), 2 * changed, options, random);
        return new AffineCoupling(mask, network, spec.ScaleBound);
    }

    /// <summary>1 + the number of squeezes that keep both sides even and leave at least 2 pixels.</summary>
    private static int MostScales(ImageShape shape)
    {
        if (shape.Pixels < 2)
        {
            return 0;
        }

        int scales = 1;
        (int h, int w) = (shape.Height, shape.Width);
        while (h % 2 == 0 && w % 2 == 0 && (h / 2) * (w / 2) >= 2)
        {
            (h, w) = (h / 2, w / 2);
            scales++;
        }

        return scales;
    }

    /// <summary>1 + the number of squeezes that keep both sides even and at least 4.</summary>
    private static int DefaultScales(ImageShape shape)
    {
        int scales = 1;
        (int h, int w) = (shape.Height, shape.Width);
        while (h % 2 == 0 && w % 2 == 0 && h / 2 >= 4 && w / 2 >= 4)
        {
            (h, w) = (h / 2, w / 2);
            scales++;
        }

        return Math.Min(scales, Math.Max(1, MostScales(shape)));
    }
}
