using CouplingFlows.Diagnostics;
using CouplingFlows.Numerics;
using CouplingFlows.Tests.Support;
using CouplingFlows.Transforms;

namespace CouplingFlows.Tests.Diagnostics;

/// <summary>The double-precision reference path: its own analytic log-det against brute force, and
/// the float32 transforms against it.</summary>
public sealed class ReferenceLayerTests
{
    /// <summary>The right value: analytic and brute-force log-dets agree to 1e-6 in double.
    /// The forward-mode Jacobian is exact up to double rounding, so the two agree to about 1e-12.</summary>
    private const double DoubleTolerance = 1e-6;

    /// <summary>float32 outputs against the double twin: a few ulps through a small conditioner,
    /// scaled by max(1, |value|).</summary>
    private const double FloatOutputTolerance = 1e-5;

    /// <summary>float32 log-dets are float sums of D ≤ 5 terms of unit scale (plus the float32
    /// conditioner's rounding): well under 1e-5 scaled.</summary>
    private const double FloatLogAbsDetTolerance = 1e-5;

    /// <summary>Forward-mode entries against double central differences with h = 1e-6: the differences
    /// carry h²|f‴| + ε/h, about 1e-10 for these smooth maps, so 1e-6 leaves room and still catches a
    /// wrong derivative rule.</summary>
    private const double DerivativeTolerance = 1e-6;

    private const int Rows = 4;

    public static TheoryData<string> Cases() => TransformCases.Names();

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReferenceLogAbsDet_EqualsBruteForceInDouble(string name)
    {
        TransformCase entry = TransformCases.Get(name);
        var random = new RandomSource(11);
        ITransform transform = entry.Build(random);
        Tensor x = entry.Input(random, Rows, transform.Features);
        Tensor? context = entry.Context(random, Rows);
        IReferenceLayer reference = ReferenceBuilder.Create(transform);
        double[] y = new double[transform.Features];

        for (int i = 0; i < Rows; i++)
        {
            double[] point = [.. x.Row(i).ToArray().Select(v => (double)v)];
            double[] contextRow = context is null ? [] : [.. context.Row(i).ToArray().Select(v => (double)v)];
            double analytic = reference.Forward(point, contextRow, y);
            double bruteForce = LuDecomposition.LogAbsDeterminant(
                ReferenceJacobian.Compute(reference, point, contextRow));

            Assert.True(
                Math.Abs(analytic - bruteForce) <= DoubleTolerance,
                $"{name}, row {i}: analytic {analytic:R} vs brute force {bruteForce:R}.");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardModeJacobian_EqualsDoubleCentralDifferences(string name)
    {
        TransformCase entry = TransformCases.Get(name);
        var random = new RandomSource(13);
        ITransform transform = entry.Build(random);
        Tensor x = entry.Input(random, Rows, transform.Features);
        Tensor? context = entry.Context(random, Rows);
        IReferenceLayer reference = ReferenceBuilder.Create(transform);
        int d = transform.Features;

        for (int i = 0; i < Rows; i++)
        {
            double[] point = [.. x.Row(i).ToArray().Select(v => (double)v)];
            double[] contextRow = context is null ? [] : [.. context.Row(i).ToArray().Select(v => (double)v)];
            double[,] exact = ReferenceJacobian.Compute(reference, point, contextRow);
            double[,] differences = CentralDifferences(reference, point, contextRow, 1e-6);
            for (int r = 0; r < d; r++)
            {
                for (int c = 0; c < d; c++)
                {
                    double error = Math.Abs(exact[r, c] - differences[r, c]);
                    Assert.True(
                        error <= DerivativeTolerance * Math.Max(1, Math.Abs(exact[r, c])),
                        $"{name}, row {i}: J[{r},{c}] forward mode {exact[r, c]:R} vs {differences[r, c]:R}.");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FloatTransform_AgreesWithDoubleReference(string name)
    {
        TransformCase entry = TransformCases.Get(name);
        var random = new RandomSource(12);
        ITransform transform = entry.Build(random);
        Tensor x = entry.Input(random, Rows, transform.Features);
        Tensor? context = entry.Context(random, Rows);
        IReferenceLayer reference = ReferenceBuilder.Create(transform);
        double[] y = new double[transform.Features];

        TransformResult result = transform.Forward(x, context);

        for (int i = 0; i < Rows; i++)
        {
            double[] point = [.. x.Row(i).ToArray().Select(v => (double)v)];
            double[] contextRow = context is null ? [] : [.. context.Row(i).ToArray().Select(v => (double)v)];
            double analytic = reference.Forward(point, contextRow, y);
            Assert.True(
                Math.Abs(result.LogAbsDet[i] - analytic) <= FloatLogAbsDetTolerance * Math.Max(1, Math.Abs(analytic)),
                $"{name}, row {i}: float32 log-det {result.LogAbsDet[i]} vs double {analytic:R}.");
            for (int j = 0; j < transform.Features; j++)
            {
                Assert.True(
                    Math.Abs(result.Output[i, j] - y[j]) <= FloatOutputTolerance * Math.Max(1, Math.Abs(y[j])),
                    $"{name}, row {i}, feature {j}: float32 {result.Output[i, j]} vs double {y[j]:R}.");
            }
        }
    }

    [Fact]
    public void Create_UnknownLayer_ThrowsNotSupportedNamingTheType()
    {
        var layer = new ShiftedLogAbsDet(Permutation.Reverse(3), 0.0f);

        var error = Assert.Throws<NotSupportedException>(() => ReferenceBuilder.Create(layer));

        Assert.Contains(nameof(ShiftedLogAbsDet), error.Message, StringComparison.Ordinal);
        Assert.False(ReferenceBuilder.IsSupported(layer));
    }

    [Fact]
    public void Create_WithExtension_UsesItForUnknownLayers()
    {
        var inner = Permutation.Reverse(3);
        var layer = new CompositeTransform([new ShiftedLogAbsDet(inner, 0.0f), Permutation.Reverse(3)]);
        static IReferenceLayer? Extension(ITransform t) =>
            t is ShiftedLogAbsDet shifted ? ReferenceBuilder.Create(shifted.Inner) : null;

        IReferenceLayer reference = ReferenceBuilder.Create(layer, Extension);
        double[] y = new double[3];
        double logAbsDet = reference.Forward([1.0, 2.0, 3.0], [], y);

        Assert.True(ReferenceBuilder.IsSupported(layer, Extension));
        Assert.Equal([1.0, 2.0, 3.0], y);
        Assert.Equal(0.0, logAbsDet);
    }

    [Fact]
    public void Compute_WrongPointLength_NamesThePoint()
    {
        IReferenceLayer reference = ReferenceBuilder.Create(Permutation.Reverse(3));

        var error = Assert.Throws<ArgumentException>(() => ReferenceJacobian.Compute(reference, [1.0, 2.0]));

        Assert.Equal("point", error.ParamName);
        Assert.Contains("2 values", error.Message, StringComparison.Ordinal);
    }

    private static double[,] CentralDifferences(IReferenceLayer layer, double[] point, double[] context, double step)
    {
        int d = point.Length;
        var jacobian = new double[d, d];
        double[] plus = new double[d];
        double[] minus = new double[d];
        for (int j = 0; j < d; j++)
        {
            double[] shifted = (double[])point.Clone();
            shifted[j] = point[j] + step;
            layer.Forward(shifted, context, plus);
            shifted[j] = point[j] - step;
            layer.Forward(shifted, context, minus);
            for (int i = 0; i < d; i++)
            {
                jacobian[i, j] = (plus[i] - minus[i]) / (2 * step);
            }
        }

        return jacobian;
    }
}
