using CouplingFlows.Nn;
using CouplingFlows.Numerics;
using CouplingFlows.Tests.Support;
using CouplingFlows.Transforms;

namespace CouplingFlows.Tests.Transforms;

public sealed class AffineCouplingTests
{
    [Fact]
    public void Forward_ShiftTenTimesKeptCoordinate_LandsInOwnSlots()
    {
        // Alternating mask on D = 4 keeps features 0 and 2; the shift of transformed feature j is
        // ten times kept feature j and the raw scale is zero.
        var mask = CouplingMask.Alternating(4, keepEven: true);
        var conditioner = new FunctionConditioner(2, 4, (a, theta) =>
        {
            theta[0] = 0f;
            theta[1] = 0f;
            theta[2] = 10f * a[0];
            theta[3] = 10f * a[1];
        });
        var coupling = new AffineCoupling(mask, conditioner);
        var x = new Tensor([1f, 2f, 3f, 4f], 1, 4);

        TransformResult forward = coupling.Forward(x);
        TransformResult inverse = coupling.Inverse(forward.Output);

        Assert.Equal([1f, 12f, 3f, 34f], forward.Output.Data);
        Assert.Equal(0f, forward.LogAbsDet[0]);
        Assert.Equal([1f, 2f, 3f, 4f], inverse.Output.Data);
    }

    [Fact]
    public void Forward_ScaleLnTwoShiftKeptValue_GivesDocumentedValues()
    {
        // s = ln 2 exactly: the raw output is the pre-image of ln 2 under the soft clamp c·tanh(h/c).
        float c = AffineCoupling.DefaultScaleBound;
        float raw = c * MathF.Atanh(MathF.Log(2f) / c);
        var mask = CouplingMask.Alternating(2, keepEven: true);
        var conditioner = new FunctionConditioner(1, 2, (a, theta) =>
        {
            theta[0] = raw;
            theta[1] = a[0];
        });
        var coupling = new AffineCoupling(mask, conditioner);
        var x = new Tensor([0.5f, 1f], 1, 2);

        TransformResult forward = coupling.Forward(x);
        TransformResult inverse = coupling.Inverse(forward.Output);

        Assert.Equal(0.5f, forward.Output[0, 0]);
        Assert.Equal(2.5f, forward.Output[0, 1], 1e-6f);
        Assert.Equal(0.693147f, forward.LogAbsDet[0], 1e-6f);
        Assert.Equal(-0.693147f, inverse.LogAbsDet[0], 1e-6f);
        Assert.Equal(1f, inverse.Output[0, 1], 1e-6f);
    }

    [Fact]
    public void Forward_RawScaleOfOneHundred_StaysFiniteAndInvertible()
    {
        var mask = CouplingMask.Alternating(2, keepEven: true);
        var conditioner = new FunctionConditioner(1, 2, (_, theta) =>
        {
            theta[0] = 100f;
            theta[1] = 0f;
        });
        var coupling = new AffineCoupling(mask, conditioner);
        var x = new Tensor([0.3f, 1.5f], 1, 2);

        TransformResult forward = coupling.Forward(x);
        TransformResult inverse = coupling.Inverse(forward.Output);

        Assert.True(float.IsFinite(forward.Output[0, 1]));
        Assert.Equal(AffineCoupling.DefaultScaleBound, forward.LogAbsDet[0], 1e-5f);
        Assert.Equal(1.5f, inverse.Output[0, 1], 1e-5f);
    }

    [Fact]
    public void Constructor_FiveFeatures_AllowsThreeTwoThenTwoThreeSplits()
    {
        var random = new RandomSource(0);
        var even = CouplingMask.Alternating(5, keepEven: true);
        var odd = CouplingMask.Alternating(5, keepEven: false);

        var first = new AffineCoupling(even, new Mlp("a", 3, 4, new MlpOptions(8, 1), random));
        var second = new AffineCoupling(odd, new Mlp("b", 2, 6, new MlpOptions(8, 1), random));

        Assert.Equal([0, 2, 4], first.Mask.IdentityIndices);
        Assert.Equal([1, 3], first.Mask.TransformedIndices);
        Assert.Equal([1, 3], second.Mask.IdentityIndices);
        Assert.Equal([0, 2, 4], second.Mask.TransformedIndices);
    }

    [Fact]
    public void Constructor_ConditionerOfWrongWidth_NamesBothWidths()
    {
        var mask = CouplingMask.Alternating(5, keepEven: true);
        var conditioner = new Mlp("a", 2, 4, new MlpOptions(8, 1), new RandomSource(0));

        var error = Assert.Throws<ArgumentException>(() => new AffineCoupling(mask, conditioner));

        Assert.Equal("conditioner", error.ParamName);
        Assert.Contains("reads 2 features", error.Message, StringComparison.Ordinal);
        Assert.Contains("must read 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_ConditionerWritingTooFewValues_NamesBothWidths()
    {
        var mask = CouplingMask.Alternating(5, keepEven: true);
        var conditioner = new Mlp("a", 3, 3, new MlpOptions(8, 1), new RandomSource(0));

        var error = Assert.Throws<ArgumentException>(() => new AffineCoupling(mask, conditioner));

        Assert.Contains("writes 3 values", error.Message, StringComparison.Ordinal);
        Assert.Contains("needs 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mask_OneFeature_IsRefusedWithReason()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => CouplingMask.Alternating(1, keepEven: true));

        Assert.Equal("features", error.ParamName);
        Assert.Contains("nothing to condition on", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Forward_WrongFeatureCount_NamesBothCounts()
    {
        var mask = CouplingMask.Alternating(4, keepEven: true);
        var coupling = new AffineCoupling(mask, new Mlp("a", 2, 4, new MlpOptions(8, 1), new RandomSource(0)));

        var error = Assert.Throws<ArgumentException>(() => coupling.Forward(new Tensor(3, 5)));

        Assert.Equal("x", error.ParamName);
        Assert.Contains("5 values per row", error.Message, StringComparison.Ordinal);
        Assert.Contains("4 features", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Forward_ZeroLastLayer_IsExactlyTheIdentity()
    {
        var mask = CouplingMask.Alternating(6, keepEven: false);
        var options = new MlpOptions(16, 2, Activation.Tanh, ZeroLastLayer: true);
        var coupling = new AffineCoupling(mask, new Mlp("a", 3, 6, options, new RandomSource(3)));
        var x = new Tensor(5, 6);
        new RandomSource(4).FillGaussian(x.Data);

        TransformResult result = coupling.Forward(x);

        Assert.Equal(x.Data, result.Output.Data);
        Assert.All(result.LogAbsDet, v => Assert.Equal(0f, v));
    }
}
