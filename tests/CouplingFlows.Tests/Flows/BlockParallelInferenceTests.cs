using CouplingFlows.Flows;
using CouplingFlows.Numerics;

namespace CouplingFlows.Tests.Flows;

/// <summary>
/// Large batches are scored and sampled in blocks of rows on several threads: the results must be
/// exactly those of one thread and of the same rows scored alone.
/// </summary>
[Collection(CouplingFlows.Tests.Support.SerialTests.Name)]
public sealed class BlockParallelInferenceTests
{
    private const int Rows = (3 * ParallelRows.BlockRows) + 41;

    public static TheoryData<FlowKind> Kinds => new() { FlowKind.RealNvp, FlowKind.Nice, FlowKind.Nsf };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void LogProb_OfALargeBatch_EqualsOneThreadAndRowsScoredAlone(FlowKind kind)
    {
        Flow flow = PerturbedFlow(kind);
        Tensor x = Batch(Rows);

        float[] blocks = flow.LogProb(x);
        float[] serial = WithOneThread(() => flow.LogProb(x));

        Assert.Equal(serial, blocks);
        foreach (int row in new[] { 0, ParallelRows.BlockRows - 1, ParallelRows.BlockRows, Rows - 1 })
        {
            float[] alone = flow.LogProb(ParallelRows.Slice(x, row, 1));
            Assert.Equal(alone[0], blocks[row]);
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Sample_OfALargeBatch_EqualsOneThread(FlowKind kind)
    {
        Flow flow = PerturbedFlow(kind);

        FlowSample blocks = flow.SampleWithLogProb(Rows, new RandomSource(5));
        FlowSample serial = WithOneThread(() => flow.SampleWithLogProb(Rows, new RandomSource(5)));

        Assert.Equal(serial.Samples.Data, blocks.Samples.Data);
        Assert.Equal(serial.LogProb, blocks.LogProb);
        Assert.Equal(new[] { Rows, 6 }, blocks.Samples.Shape);
    }

    [Fact]
    public void ImageFlow_LogProbAndSampleOfALargeBatch_EqualOneThreadAndRepeatCalls()
    {
        var spec = new FlowSpec
        {
            Kind = FlowKind.RealNvpImage,
            Features = 16,
            ImageShape = [1, 4, 4],
            Preprocessing = PreprocessingKind.DequantizeLogit,
            Levels = 17,
            ConvChannels = 4,
            ResidualBlocks = 1,
        };
        var random = new RandomSource(13);
        Flow flow = FlowBuilder.Build(spec, random);
        foreach (var parameter in flow.Parameters.Where(p => p.Trainable))
        {
            random.FillGaussian(parameter.Value.Data, 0.05f);
        }

        var x = new Tensor(Rows, 16);
        random.FillUniform(x.Data, 0f, 16.99f);

        float[] first = flow.LogProb(x);
        float[] second = flow.LogProb(x);
        float[] serial = WithOneThread(() => flow.LogProb(x));
        FlowSample sample = flow.SampleWithLogProb(Rows, new RandomSource(2));
        FlowSample serialSample = WithOneThread(() => flow.SampleWithLogProb(Rows, new RandomSource(2)));

        Assert.All(first, value => Assert.True(float.IsFinite(value)));
        Assert.Equal(serial, first);
        Assert.Equal(first, second);
        Assert.Equal(serialSample.Samples.Data, sample.Samples.Data);
        Assert.Equal(serialSample.LogProb, sample.LogProb);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void LogProb_AfterOtherBatches_IsUnchanged(FlowKind kind)
    {
        Flow flow = PerturbedFlow(kind);
        Tensor x = Batch(Rows);
        float[] before = flow.LogProb(x);

        var other = new Tensor(Rows + 300, 6);
        new RandomSource(99).FillGaussian(other.Data, 3f);
        flow.LogProb(other);
        flow.SampleWithLogProb(Rows, new RandomSource(4));

        Assert.Equal(before, flow.LogProb(x));
    }

    [Fact]
    public void LogProb_OfALargeBatchWithTheWrongWidth_ThrowsTheLayersOwnError()
    {
        Flow flow = PerturbedFlow(FlowKind.RealNvp);

        var error = Assert.Throws<ArgumentException>(() => flow.LogProb(new Tensor(Rows, 5)));

        Assert.Contains("6", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void For_CoversEveryRowExactlyOnce()
    {
        int[] visits = new int[Rows];

        ParallelRows.For(Rows, (start, count) =>
        {
            for (int i = start; i < start + count; i++)
            {
                Interlocked.Increment(ref visits[i]);
            }
        });

        Assert.All(visits, v => Assert.Equal(1, v));
    }

    private static T WithOneThread<T>(Func<T> run)
    {
        int saved = Gemm.MaxDegreeOfParallelism;
        Gemm.MaxDegreeOfParallelism = 1;
        try
        {
            return run();
        }
        finally
        {
            Gemm.MaxDegreeOfParallelism = saved;
        }
    }

    private static Flow PerturbedFlow(FlowKind kind)
    {
        var spec = new FlowSpec { Kind = kind, Features = 6, Layers = 4, HiddenFeatures = 32 };
        var random = new RandomSource(11);
        Flow flow = FlowBuilder.Build(spec, random);
        foreach (var parameter in flow.Parameters.Where(p => p.Trainable))
        {
            random.FillGaussian(parameter.Value.Data, 0.2f);
        }

        return flow;
    }

    private static Tensor Batch(int rows)
    {
        var x = new Tensor(rows, 6);
        new RandomSource(7).FillGaussian(x.Data);
        return x;
    }
}
