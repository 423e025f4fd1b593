using CouplingFlows.Flows;
using CouplingFlows.Nn;
using CouplingFlows.Numerics;
using CouplingFlows.Transforms;

namespace CouplingFlows.Tests.Support;

/// <summary>Small image transforms for the shared table, built far from the identity.</summary>
public static class ImageCouplings
{
    public static AffineCoupling Checkerboard(
        ImageShape shape, bool keepEven, ResidualConvNetOptions options, RandomSource random)
    {
        CouplingMask mask = CouplingMask.Checkerboard(shape, keepEven);
        var network = new ResidualConvNet("c", shape, 2 * shape.Channels, options, random);
        Perturb(network, random);
        return new AffineCoupling(mask, new MaskedGridConditioner(mask, network, 2));
    }

    public static AffineCoupling ChannelWise(
        ImageShape shape, bool keepFirst, ResidualConvNetOptions options, RandomSource random)
    {
        CouplingMask mask = CouplingMask.ChannelWise(shape, keepFirst);
        int kept = mask.IdentityIndices.Count / shape.Pixels;
        var network = new ResidualConvNet(
            "c", shape with { Channels = kept }, 2 * (shape.Channels - kept), options, random);
        Perturb(network, random);
        return new AffineCoupling(mask, network);
    }

    /// <summary>An ActNorm fitted to a batch with a per-channel offset and spread.</summary>
    public static ActNorm FittedActNorm(ImageShape shape, RandomSource random)
    {
        var layer = new ActNorm("a", shape);
        var batch = new Tensor(5, shape.Length);
        random.FillGaussian(batch.Data, 2f);
        for (int i = 0; i < batch.Length; i++)
        {
            batch.Data[i] += (i / shape.Pixels) % shape.Channels;
        }

        layer.Initialize(batch);
        return layer;
    }

    /// <summary>The coupling part of a realnvp-image flow, its ActNorms fitted to a random batch.</summary>
    public static ITransform MultiScale(ImageShape shape, int scales, RandomSource random)
    {
        var spec = new FlowSpec
        {
            Kind = FlowKind.RealNvpImage,
            Features = shape.Length,
            ImageShape = [shape.Channels, shape.Height, shape.Width],
            Scales = scales,
            ConvChannels = 3,
            ResidualBlocks = 1,
            Activation = Activation.Tanh,
        };
        ITransform transform = FlowBuilder.Build(spec, random).Transform;
        var batch = new Tensor(4, shape.Length);
        random.FillGaussian(batch.Data, 1.5f);
        transform.ForwardTraining(batch);
        return transform;
    }

    /// <summary>Random output biases, so that the coupling is far from the identity.</summary>
    private static void Perturb(ResidualConvNet network, RandomSource random) =>
        random.FillGaussian(network.Convolutions[^1].Bias.Value.Data, 0.5f);
}
