using CouplingFlows.Numerics;
using CouplingFlows.Tests.Support;
using CouplingFlows.Transforms;
using FsCheck;
using FsCheck.Xunit;

namespace CouplingFlows.Tests.Transforms;

/// <summary>
/// Invariants of every transform over random shapes, masks, conditioners, parameters and batch sizes
/// (FsCheck; a fixed replay seed keeps every run the same, so nothing is flaky).
/// </summary>
public sealed class TransformPropertyTests
{
    /// <summary>float32 round trip through at most four layers whose log-scales are bounded by 3: a few
    /// hundred ulps of the largest magnitude met on the way.</summary>
    private const float RoundTripTolerance = 1e-4f;

    private const int Cases = 60;

    [Property(MaxTest = Cases, Replay = "(31415,92653)", QuietOnSuccess = true, Arbitrary = [typeof(TransformShape)])]
    public void Inverse_OfForward_RecoversInputAndNegatesLogAbsDet(TransformShape shape)
    {
        var random = new RandomSource(shape.Seed);
        ITransform transform = shape.Build(random);
        Tensor x = shape.Input(random, shape.Rows);
        Tensor? context = shape.Context(random, shape.Rows);

        TransformResult forward = transform.Forward(x, context);
        TransformResult inverse = transform.Inverse(forward.Output, context);

        float scale = 1 + MaxAbs(x.Data) + MaxAbs(forward.Output.Data);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(
                MathF.Abs(inverse.Output.Data[i] - x.Data[i]) <= RoundTripTolerance * scale,
                $"{shape}: value {i} came back as {inverse.Output.Data[i]} instead of {x.Data[i]}");
        }

        for (int r = 0; r < shape.Rows; r++)
        {
            Assert.True(
                MathF.Abs(inverse.LogAbsDet[r] + forward.LogAbsDet[r])
                    <= RoundTripTolerance * (scale + MathF.Abs(forward.LogAbsDet[r])),
                $"{shape}: row {r} log-dets {forward.LogAbsDet[r]} and {inverse.LogAbsDet[r]}");
        }
    }

    [Property(MaxTest = Cases, Replay = "(27182,81829)", QuietOnSuccess = true, Arbitrary = [typeof(TransformShape)])]
    public void Forward_AnyShape_KeepsShapeAndStaysFinite(TransformShape shape)
    {
        var random = new RandomSource(shape.Seed);
        ITransform transform = shape.Build(random);
        Tensor x = shape.Input(random, shape.Rows);

        TransformResult forward = transform.Forward(x, shape.Context(random, shape.Rows));

        Assert.True(
            forward.Output.HasShape(shape.Rows, shape.Features), $"{shape}: shape {forward.Output.ShapeText()}");
        Assert.Equal(shape.Rows, forward.LogAbsDet.Length);
        Assert.All(forward.Output.Data, v => Assert.True(float.IsFinite(v), $"{shape}: output {v}"));
        Assert.All(forward.LogAbsDet, v => Assert.True(float.IsFinite(v), $"{shape}: log-det {v}"));
    }

    [Property(MaxTest = Cases, Replay = "(14142,13563)", QuietOnSuccess = true, Arbitrary = [typeof(TransformShape)])]
    public void ForwardAndInverse_OfEachRowAlone_EqualTheRowsOfTheBatch(TransformShape shape)
    {
        var random = new RandomSource(shape.Seed);
        ITransform transform = shape.Build(random);
        Tensor x = shape.Input(random, shape.Rows);
        Tensor? context = shape.Context(random, shape.Rows);

        TransformResult forward = transform.Forward(x, context);
        TransformResult inverse = transform.Inverse(forward.Output, context);

        // One row and a batch may take different kernel paths whose sums round differently; a strongly
        // perturbed stack amplifies that like any rounding, so the bound is the round trip's.
        float tolerance = RoundTripTolerance * (1 + MaxAbs(x.Data) + MaxAbs(forward.Output.Data));
        for (int r = 0; r < shape.Rows; r++)
        {
            Tensor? rowContext = context is null
                ? null
                : new Tensor(context.Row(r).ToArray(), 1, shape.ContextFeatures);
            TransformResult one = transform.Forward(new Tensor(x.Row(r).ToArray(), 1, shape.Features), rowContext);
            TransformResult back = transform.Inverse(
                new Tensor(forward.Output.Row(r).ToArray(), 1, shape.Features), rowContext);
            AssertClose(forward.Output.Row(r), one.Output.Data, tolerance, $"{shape}: forward");
            AssertClose(forward.LogAbsDet.AsSpan(r, 1), one.LogAbsDet, tolerance, $"{shape}: forward log-det");
            AssertClose(inverse.Output.Row(r), back.Output.Data, tolerance, $"{shape}: inverse");
            AssertClose(inverse.LogAbsDet.AsSpan(r, 1), back.LogAbsDet, tolerance, $"{shape}: inverse log-det");
        }
    }

    [Property(MaxTest = Cases, Replay = "(16180,33989)", QuietOnSuccess = true, Arbitrary = [typeof(TransformShape)])]
    public void Coupling_IdentityFeatures_PassThroughBitForBit(TransformShape shape)
    {
        var random = new RandomSource(shape.Seed);
        if (shape.Build(random) is not CouplingTransform coupling)
        {
            return;
        }

        Tensor x = shape.Input(random, shape.Rows);
        Tensor? context = shape.Context(random, shape.Rows);

        TransformResult forward = coupling.Forward(x, context);
        TransformResult inverse = coupling.Inverse(x, context);

        foreach (int j in coupling.Mask.IdentityIndices)
        {
            for (int r = 0; r < shape.Rows; r++)
            {
                Assert.Equal(x[r, j], forward.Output[r, j]);
                Assert.Equal(x[r, j], inverse.Output[r, j]);
            }
        }
    }

    /// <summary>Every entry of the shared transform table, at random batch sizes and seeds.</summary>
    [Property(MaxTest = Cases, Replay = "(57721,56649)", QuietOnSuccess = true)]
    public void SharedTableEntry_RandomBatchAndSeed_RoundTripsAndNegatesLogAbsDet(
        NonNegativeInt entryIndex, PositiveInt rowCount, int seed)
    {
        TransformCase entry = TransformCases.All[entryIndex.Get % TransformCases.All.Count];
        int rows = 1 + (rowCount.Get % 16);
        var random = new RandomSource(seed);
        ITransform transform = entry.Build(random);
        Tensor x = entry.Input(random, rows, transform.Features);
        Tensor? context = entry.Context(random, rows);

        TransformResult forward = transform.Forward(x, context);
        TransformResult inverse = transform.Inverse(forward.Output, context);

        float scale = 1 + MaxAbs(x.Data) + MaxAbs(forward.Output.Data);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(MathF.Abs(inverse.Output.Data[i] - x.Data[i]) <= RoundTripTolerance * scale, entry.Name);
        }

        for (int r = 0; r < rows; r++)
        {
            Assert.True(float.IsFinite(forward.LogAbsDet[r]), entry.Name);
            Assert.True(
                MathF.Abs(inverse.LogAbsDet[r] + forward.LogAbsDet[r]) <= RoundTripTolerance * scale, entry.Name);
        }
    }

    private static float MaxAbs(float[] values) => values.Length == 0 ? 0 : values.Max(MathF.Abs);

    private static void AssertClose(
        ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tolerance, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (!(MathF.Abs(expected[i] - actual[i]) <= tolerance))
            {
                Assert.Fail($"{what} value {i} is {actual[i]} alone but {expected[i]} in the batch");
            }
        }
    }
}
