using CouplingFlows.Nn;
using CouplingFlows.Numerics;
using CouplingFlows.Transforms;

namespace CouplingFlows.Tests.Support;

/// <summary>Wraps a transform and misreports its log-det by a fixed offset: a deliberately wrong layer
/// for audit tests.</summary>
public sealed class ShiftedLogAbsDet(ITransform inner, float offset) : ITransform
{
    public ITransform Inner => inner;

    public int Features => inner.Features;

    public IReadOnlyList<Parameter> Parameters => inner.Parameters;

    public TransformResult Forward(Tensor x, Tensor? context = null) => Shift(inner.Forward(x, context), offset);

    public TransformResult Inverse(Tensor y, Tensor? context = null) => Shift(inner.Inverse(y, context), -offset);

    public TransformResult ForwardTraining(Tensor x, Tensor? context = null) => Forward(x, context);

    public Tensor Backward(Tensor outputGradient, ReadOnlySpan<float> logAbsDetGradient) =>
        inner.Backward(outputGradient, logAbsDetGradient);

    private static TransformResult Shift(TransformResult result, float by)
    {
        float[] shifted = [.. result.LogAbsDet.Select(v => v + by)];
        return new TransformResult(result.Output, shifted);
    }
}
