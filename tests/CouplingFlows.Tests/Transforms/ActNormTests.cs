using CouplingFlows.Numerics;
using CouplingFlows.Transforms;

namespace CouplingFlows.Tests.Transforms;

public sealed class ActNormTests
{
    /// <summary>float32 arithmetic on values of order 10.</summary>
    private const float Tolerance = 1e-5f;

    [Fact]
    public void ForwardTraining_TwoChannelsOneConstant_CentresItAndStandardisesTheOther()
    {
        var layer = new ActNorm("a", new ImageShape(2, 1, 1));
        var x = new Tensor([1, 5, 1, 7, 1, 9], 3, 2, 1, 1);

        TransformResult result = layer.ForwardTraining(x);

        Assert.All(result.Output.Data, v => Assert.True(float.IsFinite(v)));
        float[] first = [result.Output[0, 0], result.Output[1, 0], result.Output[2, 0]];
        float[] second = [result.Output[0, 1], result.Output[1, 1], result.Output[2, 1]];
        Assert.Equal([0f, 0f, 0f], first);
        Assert.Equal(-1.224745f, second[0], Tolerance);
        Assert.Equal(0f, second[1], Tolerance);
        Assert.Equal(1.224745f, second[2], Tolerance);
        Assert.Equal(0f, layer.LogScale[0]);
        Assert.Equal((float)-Math.Log(Math.Sqrt(8.0 / 3)), result.LogAbsDet[0], Tolerance);
        Assert.True(layer.IsInitialized);
    }

    [Fact]
    public void ForwardTraining_BatchOfOneSinglePixel_CentresWithoutNaN()
    {
        var layer = new ActNorm("a", new ImageShape(3, 1, 1));
        var x = new Tensor([2, -4, 0.5f], 1, 3);

        TransformResult result = layer.ForwardTraining(x);

        Assert.Equal([0f, 0f, 0f], result.Output.Data);
        Assert.Equal(0f, result.LogAbsDet[0]);
    }

    [Fact]
    public void ForwardTraining_AfterInitialisation_KeepsTheFittedValues()
    {
        var layer = new ActNorm("a", new ImageShape(1, 2, 2));
        layer.ForwardTraining(new Tensor([1, 2, 3, 4], 1, 4));
        float shift = layer.Shift[0];
        float logScale = layer.LogScale[0];

        layer.ForwardTraining(new Tensor([10, 30, 50, 70], 1, 4));

        Assert.Equal(2.5f, shift, Tolerance);
        Assert.Equal(shift, layer.Shift[0]);
        Assert.Equal(logScale, layer.LogScale[0]);
    }

    [Fact]
    public void Forward_BeforeInitialisation_IsTheIdentity()
    {
        var layer = new ActNorm("a", new ImageShape(2, 2, 1));
        var x = new Tensor([1, 2, 3, 4], 1, 4);

        TransformResult result = layer.Forward(x);

        Assert.False(layer.IsInitialized);
        Assert.Equal(x.Data, result.Output.Data);
        Assert.Equal(0f, result.LogAbsDet[0]);
        Assert.Contains(layer.Parameters, p => p.Name == "a.initialized" && !p.Trainable);
    }
}
