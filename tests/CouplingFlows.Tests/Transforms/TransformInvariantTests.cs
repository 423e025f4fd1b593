using CouplingFlows.Diagnostics;
using CouplingFlows.Nn;
using CouplingFlows.Numerics;
using CouplingFlows.Tests.Support;
using CouplingFlows.Transforms;

namespace CouplingFlows.Tests.Transforms;

/// <summary>Invariants every transform of the shared table must satisfy.</summary>
public sealed class TransformInvariantTests
{
    /// <summary>float32 round trip through a few exp/tanh layers: a few hundred ulps of a unit-scale value.</summary>
    private const float RoundTripTolerance = 1e-4f;

    /// <summary>Central differences of float32 outputs with h = 1e-2 are good to about 1e-4 per entry;
    /// summed over D ≤ 5 log-terms that stays below 2e-3.</summary>
    private const double JacobianTolerance = 2e-3;

    /// <summary>Step of the finite-difference gradient check (float32 rounding vs truncation).</summary>
    private const float GradientStep = 3e-3f;

    /// <summary>Relative tolerance of analytic vs central-difference gradients in float32.</summary>
    private const double GradientTolerance = 2e-2;

    private const int Rows = 6;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_AnyInput_KeepsShapeAndIsFinite(string name)
    {
        TransformCase entry = TransformCases.Get(name);
        var random = new RandomSource(1);
        ITransform transform = entry.Build(random);
        Tensor x = entry.Input(random, Rows, transform.Features);

        TransformResult result = transform.Forward(x, entry.Context(random, Rows));

        Assert.True(result.Output.HasShape(Rows, transform.Features));
        Assert.Equal(Rows, result.LogAbsDet.Length);
        Assert.All(result.Output.Data, v => Assert.True(float.IsFinite(v)));
        Assert.All(result.LogAbsDet, v => Assert.True(float.IsFinite(v)));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Inverse_OfForward_RecoversInput(string name)
    {
        TransformCase entry = TransformCases.Get(name);
        var random = new RandomSource(2);
        ITransform transform = entry.Build(random);
        Tensor x = entry.Input(random, Rows, transform.Features);
        Tensor? context = entry.Context(random, Rows);

        TransformResult forward = transform.Forward(x, context);
        TransformResult inverse = transform.Inverse(forward.Output, context);

        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(
                MathF.Abs(inverse.Output.Data[i] - x.Data[i]) <= RoundTripTolerance * (1 + MathF.Abs(x.Data[i])),
                $"{name}: element {i} came back as {inverse.Output.Data[i]} instead of {x.Data[i]}.");
        }

        for (int i = 0; i < Rows; i++)
        {
            Assert.Equal(-forward.LogAbsDet[i], inverse.LogAbsDet[i], 1e-4f);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void LogAbsDet_EqualsLogDeterminantOfNumericalJacobian(string name)
    {
        TransformCase entry = TransformCases.Get(name);
        var random = new RandomSource(3);
        ITransform transform = entry.Build(random);
        Tensor x = entry.Input(random, 3, transform.Features);
        Tensor? context = entry.Context(random, 3);

        float[] analytic = transform.Forward(x, context).LogAbsDet;

        for (int i = 0; i < 3; i++)
        {
            float[]? contextRow = context?.Row(i).ToArray();
            double[,] jacobian = NumericalJacobian.Compute(transform, x.Row(i), 1e-2, contextRow);
            double bruteForce = LuDecomposition.LogAbsDeterminant(jacobian);
            Assert.True(
                Math.Abs(bruteForce - analytic[i]) <= JacobianTolerance,
                $"{name}: row {i} analytic {analytic[i]} vs brute force {bruteForce}.");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_MatchesCentralDifferences(string name)
    {
        TransformCase entry = TransformCases.Get(name);
        var random = new RandomSource(4);
        ITransform transform = entry.Build(random);
        Tensor x = entry.Input(random, 3, transform.Features);
        Tensor? context = entry.Context(random, 3);
        var weights = new Tensor(3, transform.Features);
        random.FillGaussian(weights.Data);
        float[] logDetWeights = [0.7f, -1.3f, 0.4f];
        double Loss() => WeightedLoss(transform.Forward(x, context), weights, logDetWeights);

        foreach (Parameter parameter in transform.Parameters)
        {
            parameter.ZeroGradient();
        }

        transform.ForwardTraining(x, context);
        float[] inputGradient = transform.Backward(weights, logDetWeights).Data.ToArray();

        for (int i = 0; i < x.Length; i++)
        {
            AssertGradient(name, $"x[{i}]", inputGradient[i], Central(x.Data, i, Loss));
        }

        foreach (Parameter parameter in transform.Parameters.Where(p => p.Trainable))
        {
            int count = parameter.Value.Length;
            for (int k = 0; k < Math.Min(count, 12); k++)
            {
                int index = (k * 7919) % count;
                AssertGradient(
                    name, $"{parameter.Name}[{index}]", parameter.Gradient.Data[index],
                    Central(parameter.Value.Data, index, Loss));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_GivesEveryTrainableParameterAGradient(string name)
    {
        TransformCase entry = TransformCases.Get(name);
        var random = new RandomSource(5);
        ITransform transform = entry.Build(random);
        Tensor x = entry.Input(random, 8, transform.Features);
        var weights = new Tensor(8, transform.Features);
        random.FillGaussian(weights.Data);

        transform.ForwardTraining(x, entry.Context(random, 8));
        transform.Backward(weights, Enumerable.Repeat(1f, 8).ToArray());

        foreach (Parameter parameter in transform.Parameters.Where(p => p.Trainable))
        {
            Assert.True(
                parameter.Gradient.Data.Any(g => g != 0f), $"{name}: {parameter.Name} got no gradient.");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_BatchOfOne_EqualsSameRowOfLargerBatch(string name)
    {
        TransformCase entry = TransformCases.Get(name);
        var random = new RandomSource(6);
        ITransform transform = entry.Build(random);
        Tensor x = entry.Input(random, 9, transform.Features);
        Tensor? context = entry.Context(random, 9);
        var single = new Tensor(x.Row(5).ToArray(), 1, transform.Features);
        Tensor? singleContext = context is null ? null : new Tensor(context.Row(5).ToArray(), 1, context.RowLength);

        TransformResult all = transform.Forward(x, context);
        TransformResult one = transform.Forward(single, singleContext);

        for (int j = 0; j < transform.Features; j++)
        {
            Assert.Equal(all.Output[5, j], one.Output[0, j], 1e-6f);
        }

        Assert.Equal(all.LogAbsDet[5], one.LogAbsDet[0], 1e-6f);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Build_SameSeed_GivesBitIdenticalOutputs(string name)
    {
        TransformCase entry = TransformCases.Get(name);
        Tensor x = entry.Input(new RandomSource(8), 4, entry.Build(new RandomSource(7)).Features);
        Tensor? context = entry.Context(new RandomSource(9), 4);

        TransformResult first = entry.Build(new RandomSource(7)).Forward(x, context);
        TransformResult second = entry.Build(new RandomSource(7)).Forward(x, context);

        Assert.Equal(first.Output.Data, second.Output.Data);
        Assert.Equal(first.LogAbsDet, second.LogAbsDet);
    }

    public static TheoryData<string> Cases() => TransformCases.Names();

    private static double WeightedLoss(TransformResult result, Tensor weights, float[] logDetWeights)
    {
        double sum = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            sum += (double)weights.Data[i] * result.Output.Data[i];
        }

        for (int i = 0; i < logDetWeights.Length; i++)
        {
            sum += (double)logDetWeights[i] * result.LogAbsDet[i];
        }

        return sum;
    }

    private static double Central(float[] values, int index, Func<double> loss)
    {
        float original = values[index];
        values[index] = original + GradientStep;
        double plus = loss();
        values[index] = original - GradientStep;
        double minus = loss();
        values[index] = original;

        return (plus - minus) / (2.0 * GradientStep);
    }

    private static void AssertGradient(string name, string what, double analytic, double numeric)
    {
        double error = Math.Abs(analytic - numeric);
        Assert.True(
            error <= GradientTolerance * Math.Max(1.0, Math.Abs(numeric)),
            $"{name}: d/d{what} analytic {analytic} vs numeric {numeric}.");
    }
}
