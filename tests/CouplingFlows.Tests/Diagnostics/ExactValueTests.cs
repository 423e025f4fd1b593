using CouplingFlows.Flows;
using CouplingFlows.Nn;
using CouplingFlows.Numerics;
using CouplingFlows.Transforms;
using CouplingFlows.Transforms.Splines;

namespace CouplingFlows.Tests.Diagnostics;

/// <summary>Values that hold exactly, not to a tolerance: NICE's volume preservation and the identity
/// start of a zero last layer.</summary>
public sealed class ExactValueTests
{
    [Theory]
    [InlineData(1e-30f)]
    [InlineData(1f)]
    [InlineData(1e4f)]
    [InlineData(1e30f)]
    public void AdditiveCoupling_AnyInput_HasLogAbsDetExactlyZero(float scale)
    {
        var random = new RandomSource(31);
        var mask = CouplingMask.Random(7, random);
        var conditioner = new Mlp("c", mask.IdentityIndices.Count, mask.TransformedIndices.Count,
            new MlpOptions(16, 2, Activation.Tanh, WeightInit.StandardNormal), random);
        random.FillGaussian(conditioner.Layers[^1].Bias.Value.Data, 3f);
        var coupling = new AdditiveCoupling(mask, conditioner);
        var x = new Tensor(64, 7);
        random.FillGaussian(x.Data, scale);

        TransformResult forward = coupling.Forward(x);
        TransformResult inverse = coupling.Inverse(forward.Output);
        TransformResult training = coupling.ForwardTraining(x);

        Assert.All(forward.LogAbsDet, v => Assert.Equal(0f, v));
        Assert.All(inverse.LogAbsDet, v => Assert.Equal(0f, v));
        Assert.All(training.LogAbsDet, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void NiceFlow_CouplingLayers_HaveLogAbsDetExactlyZeroAtEveryRow()
    {
        var spec = new FlowSpec { Kind = FlowKind.Nice, Features = 6, Layers = 4, HiddenFeatures = 32 };
        Flow flow = FlowBuilder.Build(spec, new RandomSource(32));
        var x = new Tensor(200, 6);
        new RandomSource(33).FillGaussian(x.Data, 5f);

        Tensor current = x;
        foreach (ITransform layer in ((CompositeTransform)flow.Transform).Layers)
        {
            TransformResult result = layer.Forward(current);
            if (layer is AdditiveCoupling)
            {
                Assert.All(result.LogAbsDet, v => Assert.Equal(0f, v));
            }

            current = result.Output;
        }
    }

    [Theory]
    [InlineData(FlowKind.RealNvp, Activation.Relu)]
    [InlineData(FlowKind.RealNvp, Activation.Tanh)]
    [InlineData(FlowKind.Nice, Activation.Elu)]
    public void FreshFlow_WithZeroLastLayer_IsExactlyTheIdentityWithLogAbsDetZero(FlowKind kind, Activation activation)
    {
        var spec = new FlowSpec
        {
            Kind = kind,
            Features = 5,
            Layers = 6,
            HiddenFeatures = 32,
            Activation = activation,
            ZeroLastLayer = true,
        };
        Flow flow = FlowBuilder.Build(spec, new RandomSource(34));
        var x = new Tensor(100, 5);
        new RandomSource(35).FillGaussian(x.Data, 10f);

        TransformResult forward = flow.Transform.Forward(x);
        TransformResult inverse = flow.Transform.Inverse(x);

        Assert.Equal(x.Data, forward.Output.Data);
        Assert.Equal(x.Data, inverse.Output.Data);
        Assert.All(forward.LogAbsDet, v => Assert.Equal(0f, v));
        Assert.All(inverse.LogAbsDet, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void SplineCoupling_WithZeroLastLayer_IsExactlyTheIdentityWithLogAbsDetZero()
    {
        var mask = CouplingMask.Alternating(6, keepEven: true);
        var options = new SplineOptions(binCount: 6);
        var conditioner = new Mlp("c", 3, 3 * options.ParametersPerFeature,
            new MlpOptions(16, 2, Activation.Tanh, ZeroLastLayer: true), new RandomSource(36));
        var coupling = new RationalQuadraticSplineCoupling(mask, conditioner, options);
        var x = new Tensor(100, 6);
        new RandomSource(37).FillGaussian(x.Data, 2f);

        TransformResult forward = coupling.Forward(x);
        TransformResult inverse = coupling.Inverse(x);

        Assert.Equal(x.Data, forward.Output.Data);
        Assert.Equal(x.Data, inverse.Output.Data);
        Assert.All(forward.LogAbsDet, v => Assert.Equal(0f, v));
        Assert.All(inverse.LogAbsDet, v => Assert.Equal(0f, v));
    }
}
