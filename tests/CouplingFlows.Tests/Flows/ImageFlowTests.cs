using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using CouplingFlows.Flows;
using CouplingFlows.Nn;
using CouplingFlows.Numerics;
using CouplingFlows.Serialization;
using CouplingFlows.Transforms;

namespace CouplingFlows.Tests.Flows;

public sealed class ImageFlowTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cflow-image-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Build_DigitsShape_HasTwoScalesAfterScaleAndLogit()
    {
        Flow flow = FlowBuilder.Build(Spec(1, 8, 8), new RandomSource(1));

        var stack = Assert.IsType<CompositeTransform>(flow.Transform);
        var scale = Assert.IsType<ElementwiseAffine>(stack.Layers[0]);
        Assert.Equal(-MathF.Log(17), scale.LogScale[0], 1e-6f);
        Assert.IsType<Logit>(stack.Layers[1]);
        MultiScaleTransform multiScale = Assert.IsType<MultiScaleTransform>(stack.Layers[^1]);
        Assert.Equal([64, 32], multiScale.Stages.Select(stage => stage.Features));
        Assert.Equal(64, flow.Features);
    }

    [Fact]
    public void Build_MnistShape_HasThreeScalesAndLeavesTheOddSevenBySevenUnsqueezed()
    {
        FlowSpec spec = Spec(1, 28, 28) with { ConvChannels = 4, ResidualBlocks = 0 };
        Flow flow = FlowBuilder.Build(spec, new RandomSource(1));

        MultiScaleTransform multiScale = Assert.IsType<MultiScaleTransform>(
            Assert.IsType<CompositeTransform>(flow.Transform).Layers[^1]);
        Assert.Equal([784, 392, 196], multiScale.Stages.Select(stage => stage.Features));
        var last = Assert.IsType<CompositeTransform>(multiScale.Stages[^1]);
        Assert.DoesNotContain(last.Layers, layer => layer is Squeeze);
        Assert.Equal(4, last.Layers.Count(layer => layer is AffineCoupling));
        Assert.Equal(new ImageShape(4, 7, 7), last.Layers.OfType<ActNorm>().First().Shape);
    }

    [Theory]
    [InlineData(1, 8, 8, 4, "[1, 3]")]
    [InlineData(1, 7, 7, 2, "[1, 1]")]
    [InlineData(2, 6, 6, 0, "[1, 2]")]
    public void Validate_ImpossibleScales_AreRefusedWithTheRange(int c, int h, int w, int scales, string range)
    {
        FlowSpec spec = Spec(c, h, w) with { Scales = scales };

        var error = Assert.Throws<ArgumentException>(spec.Validate);

        Assert.Contains($"scales must lie in {range}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WithoutImageShape_IsRefused()
    {
        FlowSpec spec = Spec(1, 4, 4) with { ImageShape = null };

        var error = Assert.Throws<ArgumentException>(spec.Validate);

        Assert.Contains("image shape", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_OfTrainedImageFlow_GivesIdenticalLogProbAndNeverReinitialisesActNorm()
    {
        FlowSpec spec = Spec(1, 8, 8) with { ConvChannels = 6, ResidualBlocks = 1 };
        Flow flow = FlowBuilder.Build(spec, new RandomSource(3));
        Tensor batch = Pixels(16, 64, new RandomSource(4));
        var adam = new Adam(flow.Parameters);
        adam.ZeroGradients();
        flow.ComputeLossAndGradients(batch);
        adam.Step();
        Tensor x = Pixels(5, 64, new RandomSource(5));
        string path = Path.Combine(_folder, "image.cflow");

        ModelFile.Save(flow, path);
        Flow loaded = ModelFile.Load(path);
        float[] before = [.. loaded.Parameters.SelectMany(p => p.Value.Data)];
        loaded.ComputeLossAndGradients(Pixels(16, 64, new RandomSource(6)));

        Assert.Equal(flow.LogProb(x), loaded.LogProb(x));
        Assert.Equal(spec.ImageShape, loaded.Spec!.ImageShape);
        Assert.Equal(spec with { ImageShape = null }, loaded.Spec with { ImageShape = null });
        Assert.All(loaded.Parameters.Where(p => p.Name.EndsWith(".initialized", StringComparison.Ordinal)),
            p => Assert.Equal(1f, p.Value.Data[0]));
        Assert.Equal(before, loaded.Parameters.SelectMany(p => p.Value.Data));
    }

    [Fact]
    public void Load_OfTinyImageFlow_IsNotMistakenForAForgedArchitecture()
    {
        FlowSpec spec = Spec(1, 4, 4) with { Scales = 1, ConvChannels = 1, ResidualBlocks = 0 };
        Flow flow = FlowBuilder.Build(spec, new RandomSource(2));
        Tensor x = Pixels(3, 16, new RandomSource(3));

        Flow loaded = ModelFile.FromBytes(ModelFile.ToBytes(flow), "tiny.cflow");

        Assert.Equal(flow.LogProb(x), loaded.LogProb(x));
    }

    [Fact]
    public void Load_ImageFlowClaimingHugeChannels_IsRefusedAsDamaged()
    {
        Flow flow = FlowBuilder.Build(Spec(1, 4, 4) with { Scales = 1, ConvChannels = 2 }, new RandomSource(2));
        byte[] bytes = ModelFile.ToBytes(flow);
        int jsonLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12));
        string json = Encoding.UTF8.GetString(bytes, 16, jsonLength)
            .Replace("\"ConvChannels\":2", "\"ConvChannels\":1000000000", StringComparison.Ordinal);
        byte[] forgedJson = Encoding.UTF8.GetBytes(json);
        byte[] length = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, forgedJson.Length);
        byte[] body = [.. bytes[..12], .. length, .. forgedJson, .. bytes[(16 + jsonLength)..^32]];
        byte[] forged = [.. body, .. SHA256.HashData(body)];

        var error = Assert.Throws<ModelFileException>(() => ModelFile.FromBytes(forged, "forged.cflow"));

        Assert.Contains("cannot fit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ComputeLossAndGradients_FirstBatch_InitialisesEveryActNorm()
    {
        FlowSpec spec = Spec(1, 4, 4) with { Scales = 2, ConvChannels = 3, ResidualBlocks = 0 };
        Flow flow = FlowBuilder.Build(spec, new RandomSource(7));
        ActNorm[] layers = [.. AllLayers(flow.Transform).OfType<ActNorm>()];

        flow.ComputeLossAndGradients(Pixels(8, 16, new RandomSource(8)));

        Assert.Equal(3 + 3 + 4, layers.Length);
        Assert.All(layers, layer => Assert.True(layer.IsInitialized));
    }

    [Fact]
    public void Training_SameSeed_GivesBitIdenticalParameters()
    {
        FlowSpec spec = Spec(1, 8, 8) with { ConvChannels = 5, ResidualBlocks = 1 };

        float[] first = TrainTwoSteps(spec);
        float[] second = TrainTwoSteps(spec);

        Assert.Equal(first, second);
    }

    private static float[] TrainTwoSteps(FlowSpec spec)
    {
        Flow flow = FlowBuilder.Build(spec, new RandomSource(9));
        var adam = new Adam(flow.Parameters);
        for (int step = 0; step < 2; step++)
        {
            adam.ZeroGradients();
            flow.ComputeLossAndGradients(Pixels(13, 64, new RandomSource(10 + step)));
            adam.Step();
        }

        return [.. flow.Parameters.SelectMany(p => p.Value.Data)];
    }

    private static FlowSpec Spec(int c, int h, int w) => new()
    {
        Kind = FlowKind.RealNvpImage,
        Features = c * h * w,
        ImageShape = [c, h, w],
        Preprocessing = PreprocessingKind.DequantizeLogit,
        Levels = 17,
    };

    private static Tensor Pixels(int rows, int features, RandomSource random)
    {
        var x = new Tensor(rows, features);
        random.FillUniform(x.Data, 0f, 16.99f);
        return x;
    }

    private static IEnumerable<ITransform> AllLayers(ITransform transform) => transform switch
    {
        CompositeTransform stack => stack.Layers.SelectMany(AllLayers),
        MultiScaleTransform multiScale => multiScale.Stages.SelectMany(AllLayers),
        _ => [transform],
    };
}
