using CouplingFlows.Data;
using CouplingFlows.Flows;
using CouplingFlows.Numerics;
using CouplingFlows.Serialization;
using CouplingFlows.Training;

namespace CouplingFlows.Tests.Flows;

public sealed class ModelFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cflow-test-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(FlowKind.RealNvp, PreprocessingKind.None)]
    [InlineData(FlowKind.Nice, PreprocessingKind.Standardize)]
    [InlineData(FlowKind.RealNvp, PreprocessingKind.DequantizeLogit)]
    public void Load_OfSavedFlow_GivesIdenticalLogProb(FlowKind kind, PreprocessingKind preprocessing)
    {
        var spec = new FlowSpec
        {
            Kind = kind,
            Features = 5,
            Layers = 3,
            HiddenFeatures = 12,
            Preprocessing = preprocessing,
            Levels = 4,
        };
        Flow flow = FlowBuilder.Build(spec, new RandomSource(11));
        var x = new Tensor(7, 5);
        new RandomSource(12).FillUniform(x.Data, 0.1f, 3.9f);
        string path = Path.Combine(_folder, "model.cflow");

        ModelFile.Save(flow, path);
        Flow loaded = ModelFile.Load(path);

        Assert.Equal(flow.LogProb(x), loaded.LogProb(x));
        Assert.Equal(spec, loaded.Spec);
    }

    [Fact]
    public void Load_FileCutToHalf_IsRefusedAndOriginalUnchanged()
    {
        Flow flow = FlowBuilder.Build(
            new FlowSpec { Features = 4, Layers = 2, HiddenFeatures = 8 }, new RandomSource(1));
        string path = Path.Combine(_folder, "model.cflow");
        ModelFile.Save(flow, path);
        byte[] original = File.ReadAllBytes(path);
        string cut = Path.Combine(_folder, "cut.cflow");
        File.WriteAllBytes(cut, original[..(original.Length / 2)]);

        var error = Assert.Throws<ModelFileException>(() => ModelFile.Load(cut));

        Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
        Assert.Equal(original, File.ReadAllBytes(path));
    }

    [Fact]
    public void Load_OneFlippedByte_IsRefusedAsDamaged()
    {
        Flow flow = FlowBuilder.Build(
            new FlowSpec { Features = 4, Layers = 2, HiddenFeatures = 8 }, new RandomSource(1));
        byte[] bytes = ModelFile.ToBytes(flow);
        bytes[bytes.Length / 2] ^= 0x10;

        var error = Assert.Throws<ModelFileException>(() => ModelFile.FromBytes(bytes, "flipped.cflow"));

        Assert.Contains("flipped.cflow", error.Message, StringComparison.Ordinal);
        Assert.Contains("damaged", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ForeignFile_IsRefusedAsNotAModel()
    {
        string path = Path.Combine(_folder, "notes.txt");
        File.WriteAllText(path, "hello, this is not a model");

        var error = Assert.Throws<ModelFileException>(() => ModelFile.Load(path));

        Assert.Contains("not a CouplingFlows model file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NewerFormat_IsRefusedNamingTheVersion()
    {
        Flow flow = FlowBuilder.Build(
            new FlowSpec { Features = 4, Layers = 1, HiddenFeatures = 4 }, new RandomSource(1));
        byte[] bytes = ModelFile.ToBytes(flow);
        bytes[8] = 9;

        var error = Assert.Throws<ModelFileException>(() => ModelFile.FromBytes(bytes, "future.cflow"));

        Assert.Contains("format 9", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_OverExistingFile_LeavesNoTemporaryFiles()
    {
        Flow flow = FlowBuilder.Build(
            new FlowSpec { Features = 4, Layers = 1, HiddenFeatures = 4 }, new RandomSource(1));
        string path = Path.Combine(_folder, "model.cflow");

        ModelFile.Save(flow, path);
        ModelFile.Save(flow, path);

        Assert.Equal(["model.cflow"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void FromBytes_CutAtAnyLength_IsRefusedWithAReason()
    {
        var spec = new FlowSpec { Features = 3, Layers = 2, HiddenFeatures = 5 };
        Flow flow = FlowBuilder.Build(spec, new RandomSource(1));
        byte[] bytes = ModelFile.ToBytes(flow);

        for (int length = 0; length < bytes.Length; length += 1 + (length / 7))
        {
            var error = Assert.Throws<ModelFileException>(() => ModelFile.FromBytes(bytes[..length], "cut.cflow"));

            Assert.StartsWith("cut.cflow: ", error.Message, StringComparison.Ordinal);
            Assert.True(
                error.Message.Contains("truncated", StringComparison.Ordinal)
                || error.Message.Contains("signature", StringComparison.Ordinal),
                $"{length} bytes: {error.Message}");
        }
    }

    [Fact]
    public void FromBytes_ImpossibleCountUnderAValidChecksum_IsRefusedAsUnreadable()
    {
        var spec = new FlowSpec { Features = 3, Layers = 1, HiddenFeatures = 4 };
        Flow flow = FlowBuilder.Build(spec, new RandomSource(1));
        byte[] bytes = ModelFile.ToBytes(flow);
        byte[] body = bytes[..^32];
        BitConverter.TryWriteBytes(body.AsSpan(12), -5);
        byte[] forged = [.. body, .. System.Security.Cryptography.SHA256.HashData(body)];

        var error = Assert.Throws<ModelFileException>(() => ModelFile.FromBytes(forged, "forged.cflow"));

        Assert.Contains("forged.cflow: unreadable model content", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ACheckpointFile_IsRefusedAsNotAModel()
    {
        Tensor train = ToyDataSets.Generate("moons", 32, new RandomSource(1));
        TrainingCheckpoint? checkpoint = null;
        var trainer = new Trainer
        {
            Checkpoints = new CheckpointPolicy(0, c => checkpoint = c),
        };
        trainer.Fit(
            FlowBuilder.Build(new FlowSpec { Features = 2, Layers = 1, HiddenFeatures = 4 }, new RandomSource(2)),
            train, null, new TrainerOptions { Steps = 2, BatchSize = 8 });
        string path = Path.Combine(_folder, "checkpoint.cflowck");
        CheckpointFile.Save(checkpoint!, path);

        var error = Assert.Throws<ModelFileException>(() => ModelFile.Load(path));

        Assert.Contains(
            "not a CouplingFlows model file but a training checkpoint", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"Layers\":2", "\"Layers\":100000000")]
    [InlineData("\"Features\":4", "\"Features\":2000000000")]
    public void Load_EditedArchitectureWithValidChecksum_IsRefusedBeforeAllocating(string from, string to)
    {
        Flow flow = FlowBuilder.Build(
            new FlowSpec { Features = 4, Layers = 2, HiddenFeatures = 8 }, new RandomSource(1));
        byte[] bytes = ModelFile.ToBytes(flow);
        byte[] forged = Forge(bytes, from, to);

        var error = Assert.Throws<ModelFileException>(() => ModelFile.FromBytes(forged, "forged.cflow"));

        Assert.Contains("cannot fit", error.Message, StringComparison.Ordinal);
    }

    private static byte[] Forge(byte[] bytes, string from, string to)
    {
        int jsonLength = BitConverter.ToInt32(bytes, 12);
        string json = System.Text.Encoding.UTF8.GetString(bytes, 16, jsonLength);
        Assert.Contains(from, json, StringComparison.Ordinal);
        byte[] edited = System.Text.Encoding.UTF8.GetBytes(json.Replace(from, to, StringComparison.Ordinal));
        byte[] body = [.. bytes[..12], .. BitConverter.GetBytes(edited.Length), .. edited,
            .. bytes[(16 + jsonLength)..^32]];
        return [.. body, .. System.Security.Cryptography.SHA256.HashData(body)];
    }
}
