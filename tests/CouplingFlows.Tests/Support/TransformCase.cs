using CouplingFlows.Numerics;
using CouplingFlows.Transforms;

namespace CouplingFlows.Tests.Support;

/// <summary>One entry of the shared transform table: how to build it and what inputs it accepts.</summary>
public sealed class TransformCase
{
    public TransformCase(
        string name, Func<RandomSource, ITransform> build, Func<RandomSource, int, int, Tensor>? input = null,
        int contextFeatures = 0)
    {
        Name = name;
        Build = build;
        Input = input ?? GaussianInput;
        ContextFeatures = contextFeatures;
    }

    public string Name { get; }

    public Func<RandomSource, ITransform> Build { get; }

    /// <summary>(random, rows, features) → a valid input batch.</summary>
    public Func<RandomSource, int, int, Tensor> Input { get; }

    public int ContextFeatures { get; }

    public Tensor? Context(RandomSource random, int rows)
    {
        if (ContextFeatures == 0)
        {
            return null;
        }

        var context = new Tensor(rows, ContextFeatures);
        random.FillGaussian(context.Data);
        return context;
    }

    public override string ToString() => Name;

    public static Tensor GaussianInput(RandomSource random, int rows, int features)
    {
        var x = new Tensor(rows, features);
        random.FillGaussian(x.Data);
        return x;
    }

    public static Tensor UnitIntervalInput(RandomSource random, int rows, int features)
    {
        var x = new Tensor(rows, features);
        random.FillUniform(x.Data, 0.05f, 0.95f);
        return x;
    }
}
