using CouplingFlows.Flows;
using CouplingFlows.Nn;
using CouplingFlows.Numerics;
using CouplingFlows.Transforms;
using CouplingFlows.Transforms.Splines;

namespace CouplingFlows.Tests.Support;

/// <summary>The shared table of transform factories every invariant test runs over.</summary>
public static class TransformCases
{
    private static readonly MlpOptions SmallTanh = new(16, 2, Activation.Tanh);
    private static readonly MlpOptions SmallRelu = new(16, 1, Activation.Relu);

    public static IReadOnlyList<TransformCase> All { get; } =
    [
        new("affine-d4-tanh", r => Affine(4, keepEven: true, SmallTanh, r)),
        new("affine-d5-odd-relu", r => Affine(5, keepEven: false, SmallRelu, r)),
        new("affine-d3-context", r => new AffineCoupling(
            CouplingMask.Alternating(3, keepEven: true), new Mlp("c", 2 + 2, 2 * 1, SmallTanh, r),
            contextFeatures: 2), contextFeatures: 2),
        new("additive-d4", r => new AdditiveCoupling(
            CouplingMask.HalfSplit(4, keepFirst: true), Perturbed(new Mlp("c", 2, 2, SmallTanh, r), r))),
        new("additive-d5-elu", r => new AdditiveCoupling(
            CouplingMask.Alternating(5, keepEven: true), new Mlp("c", 3, 2, new MlpOptions(8, 2, Activation.Elu), r))),
        // A spline is C¹: its log-slope bends at every knot, so a central difference whose step
        // straddles a knot is off by O(step); these entries keep the drawn inputs clear of knots.
        new("spline-d4-tanh", r => Spline(4, SmallTanh, r)),
        new("spline-d5-residual-k5", r => ResidualSpline(5, new SplineOptions(binCount: 5), r)),
        new("spline-d3-context", r => new RationalQuadraticSplineCoupling(
            CouplingMask.Alternating(3, keepEven: true),
            Perturbed(new Mlp("c", 2 + 2, 23, new MlpOptions(8, 2, Activation.Tanh), r), r),
            contextFeatures: 2), contextFeatures: 2),
        new("permutation-d5", r => Permutation.Random(5, r)),
        new("diagonal-scaling-d4", r => RandomScaling(4, r)),
        new("logit-d3", _ => new Logit(3), TransformCase.UnitIntervalInput),
        new("stack-d4", r => new CompositeTransform(
        [
            Affine(4, keepEven: true, SmallTanh, r),
            Permutation.Reverse(4),
            new AdditiveCoupling(CouplingMask.Alternating(4, keepEven: false), new Mlp("a", 2, 2, SmallTanh, r)),
            RandomScaling(4, r),
        ])),
        new("conv-checkerboard-1x4x4", r => ImageCouplings.Checkerboard(
            new ImageShape(1, 4, 4), keepEven: true, new ResidualConvNetOptions(4, 1, Activation.Tanh), r)),
        new("conv-checkerboard-2x3x3-odd", r => ImageCouplings.Checkerboard(
            new ImageShape(2, 3, 3), keepEven: false, new ResidualConvNetOptions(3, 1, Activation.Elu), r)),
        new("conv-channel-4x2x2", r => ImageCouplings.ChannelWise(
            new ImageShape(4, 2, 2), keepFirst: false, new ResidualConvNetOptions(4, 2, Activation.Tanh), r)),
        new("conv-channel-6x2x2-1x1-kernel", r => ImageCouplings.ChannelWise(
            new ImageShape(6, 2, 2), keepFirst: true, new ResidualConvNetOptions(5, 1, Activation.Tanh, KernelSize: 1),
            r)),
        new("squeeze-2x2x4", _ => new Squeeze(new ImageShape(2, 2, 4))),
        new("actnorm-3x2x2", r => ImageCouplings.FittedActNorm(new ImageShape(3, 2, 2), r)),
        new("multiscale-1x4x4", r => ImageCouplings.MultiScale(new ImageShape(1, 4, 4), scales: 2, r)),
        new("multiscale-2x2x6-one-scale", r => ImageCouplings.MultiScale(new ImageShape(2, 2, 6), scales: 1, r)),
    ];

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (TransformCase entry in All)
        {
            data.Add(entry.Name);
        }

        return data;
    }

    public static TransformCase Get(string name) => All.Single(c => c.Name == name);

    private static AffineCoupling Affine(int d, bool keepEven, MlpOptions options, RandomSource random)
    {
        var mask = CouplingMask.Alternating(d, keepEven);
        var mlp = new Mlp("c", mask.IdentityIndices.Count, 2 * mask.TransformedIndices.Count, options, random);
        return new AffineCoupling(mask, Perturbed(mlp, random));
    }

    private static RationalQuadraticSplineCoupling Spline(int d, MlpOptions options, RandomSource random)
    {
        var mask = CouplingMask.Alternating(d, keepEven: true);
        int outputs = mask.TransformedIndices.Count * RationalQuadraticSplineCoupling.RawParametersPerFeature(8);
        var mlp = new Mlp("c", mask.IdentityIndices.Count, outputs, options, random);
        return new RationalQuadraticSplineCoupling(mask, Perturbed(mlp, random));
    }

    private static RationalQuadraticSplineCoupling ResidualSpline(int d, SplineOptions spline, RandomSource random)
    {
        var mask = CouplingMask.Alternating(d, keepEven: false);
        int outputs = mask.TransformedIndices.Count * spline.ParametersPerFeature;
        var net = new ResidualMlp("c", mask.IdentityIndices.Count, outputs, new ResidualMlpOptions(12, 1), random);
        random.FillGaussian(net.OutputLayer.Bias.Value.Data, 0.5f);
        return new RationalQuadraticSplineCoupling(mask, net, spline);
    }

    /// <summary>Gives the output bias random values so the coupling is far from the identity.</summary>
    private static Mlp Perturbed(Mlp mlp, RandomSource random)
    {
        random.FillGaussian(mlp.Layers[^1].Bias.Value.Data, 0.5f);
        return mlp;
    }

    private static ElementwiseAffine RandomScaling(int d, RandomSource random)
    {
        var layer = new ElementwiseAffine("s", d, trainable: true);
        random.FillGaussian(layer.LogScale, 0.5f);
        return layer;
    }
}
