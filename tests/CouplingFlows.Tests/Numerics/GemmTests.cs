using CouplingFlows.Numerics;

using Xunit;

namespace CouplingFlows.Tests.Numerics;

[Collection(CouplingFlows.Tests.Support.SerialTests.Name)]
public sealed class GemmTests
{
    /// <summary>
    /// Unit roundoff u of float32. A float32 sum of k fused multiply-adds onto c₀ is within
    /// γ_(k+1) · (|c₀| + Σ_p |a_p b_p|) of the exact value, γ_n = n·u / (1 − n·u) (Higham, Accuracy and
    /// Stability of Numerical Algorithms, 2nd ed., §3.1); the double reference is exact to far below that.
    /// </summary>
    private const double UnitRoundoff = 1.0 / (1 << 24);

    private static readonly (int M, int N, int K)[] Shapes =
    [
        (1, 1, 1),
        (7, 5, 3),
        (13, 33, 17),
        (8, 32, 256),
        (300, 1, 9),
        (1, 300, 9),
        (3, 200, 300),
        (9, 17, 300),
        (17, 16, 1),
        (256, 256, 1),
        (33, 70, 2),
        (256, 2, 4),
        (256, 2, 256),
        (130, 7, 40),
        (64, 8, 5),
        (33, 48, 520),
        (256, 64, 256),
        (64, 256, 256),
        (256, 784, 256),
        (40, 1100, 600),
        (601, 45, 270),
    ];

    public static TheoryData<MatrixLayout, MatrixLayout, int, int, int, bool> Cases()
    {
        var data = new TheoryData<MatrixLayout, MatrixLayout, int, int, int, bool>();
        foreach ((int m, int n, int k) in Shapes)
        {
            foreach (MatrixLayout layoutA in Enum.GetValues<MatrixLayout>())
            {
                foreach (MatrixLayout layoutB in Enum.GetValues<MatrixLayout>())
                {
                    data.Add(layoutA, layoutB, m, n, k, false);
                    data.Add(layoutA, layoutB, m, n, k, true);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Multiply_AnyLayoutAndShape_MatchesDoubleReferenceWithinRoundingBound(
        MatrixLayout layoutA, MatrixLayout layoutB, int m, int n, int k, bool accumulate)
    {
        var random = new Random(m + (31 * n) + (977 * k));
        float[] a = RandomValues(random, m * k);
        float[] b = RandomValues(random, k * n);
        float[] c = RandomValues(random, m * n);
        float[] initial = (float[])c.Clone();

        Gemm.Multiply(layoutA, layoutB, m, n, k, a, b, c, accumulate);

        Reference(layoutA, layoutB, m, n, k, a, b, accumulate ? initial : null, out double[] exact, out double[] scale);
        for (int i = 0; i < c.Length; i++)
        {
            double bound = (k + 1) * UnitRoundoff / (1 - ((k + 1) * UnitRoundoff)) * scale[i];
            Assert.True(
                Math.Abs(c[i] - exact[i]) <= bound,
                $"C[{i / n}, {i % n}] = {c[i]} but the exact value is {exact[i]} (bound {bound}).");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Multiply_AnyLayoutAndShape_EqualsAscendingFusedMultiplyAddsBitwise(
        MatrixLayout layoutA, MatrixLayout layoutB, int m, int n, int k, bool accumulate)
    {
        var random = new Random(m + (31 * n) + (977 * k));
        float[] a = RandomValues(random, m * k);
        float[] b = RandomValues(random, k * n);
        float[] c = RandomValues(random, m * n);
        float[] expected = (float[])c.Clone();

        Gemm.Multiply(layoutA, layoutB, m, n, k, a, b, c, accumulate);

        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float sum = accumulate ? expected[(i * n) + j] : 0f;
                for (int p = 0; p < k; p++)
                {
                    float x = layoutA == MatrixLayout.Normal ? a[(i * k) + p] : a[(p * m) + i];
                    float y = layoutB == MatrixLayout.Normal ? b[(p * n) + j] : b[(j * k) + p];
                    sum = MathF.FusedMultiplyAdd(x, y, sum);
                }

                expected[(i * n) + j] = sum;
            }
        }

        Assert.Equal(expected, c);
    }

    [Theory]
    [InlineData(MatrixLayout.Normal, MatrixLayout.Normal, 256, 256, 256)]
    [InlineData(MatrixLayout.Transposed, MatrixLayout.Normal, 4099, 5, 260)]
    [InlineData(MatrixLayout.Normal, MatrixLayout.Normal, 4096, 400, 4)]
    [InlineData(MatrixLayout.Transposed, MatrixLayout.Normal, 784, 256, 256)]
    [InlineData(MatrixLayout.Normal, MatrixLayout.Transposed, 256, 784, 256)]
    [InlineData(MatrixLayout.Transposed, MatrixLayout.Transposed, 1000, 37, 300)]
    [InlineData(MatrixLayout.Normal, MatrixLayout.Normal, 4099, 5, 260)]
    [InlineData(MatrixLayout.Normal, MatrixLayout.Normal, 250, 1100, 90)]
    public void MultiplyCore_OneOrSeveralThreads_BitwiseIdentical(
        MatrixLayout layoutA, MatrixLayout layoutB, int m, int n, int k)
    {
        var random = new Random(7);
        float[] a = RandomValues(random, m * k);
        float[] b = RandomValues(random, k * n);
        float[] initial = RandomValues(random, m * n);
        float[] single = (float[])initial.Clone();
        float[] two = (float[])initial.Clone();
        float[] three = (float[])initial.Clone();

        Gemm.MultiplyCore(layoutA, layoutB, m, n, k, a, b, single, accumulate: true, maxDegree: 1);
        Gemm.MultiplyCore(layoutA, layoutB, m, n, k, a, b, two, accumulate: true, maxDegree: 2);
        Gemm.MultiplyCore(layoutA, layoutB, m, n, k, a, b, three, accumulate: true, maxDegree: 3);

        Assert.Equal(Math.Min(2, Environment.ProcessorCount), GemmParallel.ThreadCount(m, n, k, 2));
        Assert.Equal(single, two);
        Assert.Equal(single, three);
    }

    [Theory]
    [InlineData(256, 256, 256, 2)]
    [InlineData(256, 784, 256, 3)]
    [InlineData(4099, 3, 260, 2)]
    [InlineData(13, 500, 70, 4)]
    public void MultiplyCore_ComputedPartByPart_BitwiseIdenticalToWholeProduct(int m, int n, int k, int threads)
    {
        // The parts the threads would compute, run one after another here so that no other product can make the
        // parallel path fall back to one thread.
        var random = new Random(11);
        float[] a = RandomValues(random, m * k);
        float[] b = RandomValues(random, k * n);
        float[] whole = new float[m * n];
        float[] parts = new float[m * n];
        Gemm.MultiplyCore(MatrixLayout.Normal, MatrixLayout.Normal, m, n, k, a, b, whole, false, maxDegree: 1);

        MultiplyByParts(m, n, k, a, b, parts, threads);

        Assert.Equal(whole, parts);
    }

    [Fact]
    public void Multiply_ZeroRowsOrColumns_LeavesCUntouched()
    {
        float[] c = [1f, 2f, 3f];

        Gemm.Multiply(MatrixLayout.Normal, MatrixLayout.Normal, 0, 3, 4, [], new float[12], c, false);
        Gemm.Multiply(MatrixLayout.Normal, MatrixLayout.Normal, 3, 0, 4, new float[12], [], c, false);

        Assert.Equal([1f, 2f, 3f], c);
    }

    [Fact]
    public void Multiply_ZeroInnerDimension_ZeroesOrKeepsC()
    {
        float[] overwritten = [1f, 2f, 3f, 4f];
        float[] accumulated = [1f, 2f, 3f, 4f];

        Gemm.Multiply(MatrixLayout.Normal, MatrixLayout.Transposed, 2, 2, 0, [], [], overwritten, false);
        Gemm.Multiply(MatrixLayout.Transposed, MatrixLayout.Normal, 2, 2, 0, [], [], accumulated, true);

        Assert.Equal(new float[4], overwritten);
        Assert.Equal([1f, 2f, 3f, 4f], accumulated);
    }

    [Fact]
    public void Multiply_NonFiniteInput_ReachesOnlyItsRowAndColumn()
    {
        const int Size = 40;
        float[] a = new float[Size * Size];
        float[] b = new float[Size * Size];
        Array.Fill(a, 1f);
        Array.Fill(b, 1f);
        a[(3 * Size) + 5] = float.PositiveInfinity;
        b[(5 * Size) + 7] = float.NaN;
        float[] c = new float[Size * Size];

        Gemm.Multiply(MatrixLayout.Normal, MatrixLayout.Normal, Size, Size, Size, a, b, c, false);

        for (int i = 0; i < Size; i++)
        {
            for (int j = 0; j < Size; j++)
            {
                float expected = j == 7 ? float.NaN : i == 3 ? float.PositiveInfinity : Size;
                Assert.Equal(expected, c[(i * Size) + j]);
            }
        }
    }

    [Theory]
    [InlineData(MatrixLayout.Normal, MatrixLayout.Normal, 256, 256, 256)]
    [InlineData(MatrixLayout.Transposed, MatrixLayout.Normal, 64, 256, 256)]
    [InlineData(MatrixLayout.Normal, MatrixLayout.Transposed, 256, 784, 256)]
    [InlineData(MatrixLayout.Normal, MatrixLayout.Normal, 13, 5, 700)]
    public void MultiplyCore_AfterWarmUp_AllocatesNothing(
        MatrixLayout layoutA, MatrixLayout layoutB, int m, int n, int k)
    {
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        float[] c = new float[m * n];
        foreach (int degree in new[] { 1, 2 })
        {
            Gemm.MultiplyCore(layoutA, layoutB, m, n, k, a, b, c, false, degree);
            long before = GC.GetAllocatedBytesForCurrentThread();

            for (int repeat = 0; repeat < 5; repeat++)
            {
                Gemm.MultiplyCore(layoutA, layoutB, m, n, k, a, b, c, true, degree);
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(0, allocated);
        }
    }

    [Fact]
    public void Multiply_NegativeSize_Throws()
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(
            () => Gemm.Multiply(MatrixLayout.Normal, MatrixLayout.Normal, 2, -1, 2, new float[4], [], [], false));

        Assert.Equal("n", exception.ParamName);
    }

    [Theory]
    [InlineData(7, 12, 6, "a", "a holds 7 values but a (2 x 4) operand needs 8")]
    [InlineData(8, 11, 6, "b", "b holds 11 values but a (3 x 4) operand needs 12")]
    [InlineData(8, 12, 5, "c", "c holds 5 values but a (2 x 3) operand needs 6")]
    public void Multiply_ShortBuffer_ThrowsNamingTheOperand(
        int lengthA, int lengthB, int lengthC, string name, string message)
    {
        var exception = Assert.Throws<ArgumentException>(
            () => Gemm.Multiply(MatrixLayout.Normal, MatrixLayout.Transposed, 2, 3, 4, new float[lengthA],
                new float[lengthB], new float[lengthC], false));

        Assert.Equal(name, exception.ParamName);
        Assert.Contains(message, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MaxDegreeOfParallelism_BelowOne_Throws()
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.MaxDegreeOfParallelism = 0);

        Assert.Equal("value", exception.ParamName);
        Assert.True(Gemm.MaxDegreeOfParallelism >= 1);
    }

    private static void MultiplyByParts(int m, int n, int k, float[] a, float[] b, float[] c, int threads)
    {
        unsafe
        {
            fixed (float* pa = a, pb = b, pc = c)
            {
                var operands = new GemmOperands(MatrixLayout.Normal, MatrixLayout.Normal, m, n, k, pa, pb, pc, false);
                bool byColumns = GemmParallel.SplitByColumns(m, n, threads);
                int blocks = GemmParallel.BlockCount(operands, byColumns, threads);
                for (int part = blocks - 1; part >= 0; part--)
                {
                    GemmParallel.Rectangle rectangle = GemmParallel.Part(operands, byColumns, part, blocks);
                    if (!rectangle.IsEmpty)
                    {
                        GemmBlocked.Multiply(
                            operands, rectangle.RowStart, rectangle.RowEnd, rectangle.ColumnStart, rectangle.ColumnEnd);
                    }
                }
            }
        }
    }

    private static float[] RandomValues(Random random, int length)
    {
        float[] values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)((2 * random.NextDouble()) - 1);
        }

        return values;
    }

    /// <summary>The exact product in double and, per element, |c₀| + Σ_p |a_ip b_pj| for the error bound.</summary>
    private static void Reference(
        MatrixLayout layoutA,
        MatrixLayout layoutB,
        int m,
        int n,
        int k,
        float[] a,
        float[] b,
        float[]? initial,
        out double[] exact,
        out double[] scale)
    {
        exact = new double[m * n];
        scale = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = initial is null ? 0 : initial[(i * n) + j];
                double magnitude = Math.Abs(sum);
                for (int p = 0; p < k; p++)
                {
                    double x = layoutA == MatrixLayout.Normal ? a[(i * k) + p] : a[(p * m) + i];
                    double y = layoutB == MatrixLayout.Normal ? b[(p * n) + j] : b[(j * k) + p];
                    sum += x * y;
                    magnitude += Math.Abs(x * y);
                }

                exact[(i * n) + j] = sum;
                scale[(i * n) + j] = magnitude;
            }
        }
    }
}
