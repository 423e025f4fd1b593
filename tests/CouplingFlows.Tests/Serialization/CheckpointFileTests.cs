using System.Security.Cryptography;
using CouplingFlows.Data;
using CouplingFlows.Flows;
using CouplingFlows.Numerics;
using CouplingFlows.Serialization;
using CouplingFlows.Training;

namespace CouplingFlows.Tests.Serialization;

public sealed class CheckpointFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cflow-ck-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void SaveThenLoad_KeepsEveryFieldAndGivesTheSameBytes()
    {
        TrainingCheckpoint checkpoint = Checkpoint().WithApplicationData("{\"note\":\"é\"}");
        string path = Path.Combine(_folder, "run.cflowck");

        CheckpointFile.Save(checkpoint, path);
        TrainingCheckpoint loaded = CheckpointFile.Load(path);

        Assert.Equal(CheckpointFile.ToBytes(checkpoint), CheckpointFile.ToBytes(loaded));
        Assert.Equal(checkpoint.Options, loaded.Options);
        Assert.Equal(checkpoint.Spec, loaded.Spec);
        Assert.Equal(checkpoint.Step, loaded.Step);
        Assert.Equal(checkpoint.ValidationHistory, loaded.ValidationHistory);
        Assert.Equal(checkpoint.Elapsed, loaded.Elapsed);
        Assert.Equal("{\"note\":\"é\"}", loaded.ApplicationData);
        Assert.Equal(["run.cflowck"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void Load_CutToHalf_IsRefusedAndTheOriginalIsUnchanged()
    {
        string path = Path.Combine(_folder, "run.cflowck");
        CheckpointFile.Save(Checkpoint(), path);
        byte[] original = File.ReadAllBytes(path);
        string cut = Path.Combine(_folder, "cut.cflowck");
        File.WriteAllBytes(cut, original[..(original.Length / 2)]);

        var error = Assert.Throws<ModelFileException>(() => CheckpointFile.Load(cut));

        Assert.Contains("cut.cflowck: damaged or truncated", error.Message, StringComparison.Ordinal);
        Assert.Equal(original, File.ReadAllBytes(path));
    }

    [Fact]
    public void FromBytes_NewerFormat_IsRefusedNamingTheVersion()
    {
        byte[] bytes = CheckpointFile.ToBytes(Checkpoint());
        bytes[8] = 7;

        var error = Assert.Throws<ModelFileException>(() => CheckpointFile.FromBytes(bytes, "next.cflowck"));

        Assert.Contains("checkpoint format 7", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AModelFile_IsRefusedAsNotACheckpoint()
    {
        string path = Path.Combine(_folder, "model.cflow");
        var spec = new FlowSpec { Features = 2, Layers = 1, HiddenFeatures = 3 };
        ModelFile.Save(FlowBuilder.Build(spec, new RandomSource(1)), path);

        var error = Assert.Throws<ModelFileException>(() => CheckpointFile.Load(path));

        Assert.Contains("not a CouplingFlows training checkpoint", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFound()
    {
        string path = Path.Combine(_folder, "absent.cflowck");

        var error = Assert.Throws<FileNotFoundException>(() => CheckpointFile.Load(path));

        Assert.Equal(path, error.FileName);
    }

    [Fact]
    public void FromBytes_SelfContradictingContentUnderAValidChecksum_IsRefusedAsInconsistent()
    {
        TrainingCheckpoint checkpoint = Checkpoint();
        int[] order = (int[])checkpoint.Order.Clone();
        order[0] = order[1];
        TrainingCheckpoint forged = Forge(checkpoint, order);

        var error = Assert.Throws<ModelFileException>(
            () => CheckpointFile.FromBytes(CheckpointFile.ToBytes(forged), "forged.cflowck"));

        Assert.Contains("inconsistent checkpoint: the data order", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromBytes_ArrayLengthPastTheEndUnderAValidChecksum_IsRefusedAsUnreadable()
    {
        byte[] bytes = CheckpointFile.ToBytes(Checkpoint());
        byte[] body = bytes[..^32];
        int jsonLength = BitConverter.ToInt32(body, 12);
        BitConverter.TryWriteBytes(body.AsSpan(16 + jsonLength), int.MaxValue);
        byte[] forged = [.. body, .. SHA256.HashData(body)];

        var error = Assert.Throws<ModelFileException>(() => CheckpointFile.FromBytes(forged, "long.cflowck"));

        Assert.Contains("long.cflowck: unreadable checkpoint content", error.Message, StringComparison.Ordinal);
    }

    private static TrainingCheckpoint Checkpoint()
    {
        Tensor train = ToyDataSets.Generate("moons", 100, new RandomSource(1));
        Tensor validation = ToyDataSets.Generate("moons", 30, new RandomSource(2));
        TrainingCheckpoint? checkpoint = null;
        var trainer = new Trainer { Checkpoints = new CheckpointPolicy(7, c => checkpoint ??= c) };
        trainer.Fit(
            FlowBuilder.Build(new FlowSpec { Features = 2, Layers = 2, HiddenFeatures = 5 }, new RandomSource(3)),
            train, validation, new TrainerOptions { Steps = 20, BatchSize = 16, ValidationInterval = 3, Seed = 9 });

        return checkpoint!;
    }

    private static TrainingCheckpoint Forge(TrainingCheckpoint c, int[] order) => new()
    {
        Options = c.Options,
        Spec = c.Spec,
        Step = c.Step,
        BestStep = c.BestStep,
        ParameterNames = c.ParameterNames,
        ParameterShapes = c.ParameterShapes,
        Values = c.Values,
        BestValues = c.BestValues,
        FirstMoments = c.FirstMoments,
        SecondMoments = c.SecondMoments,
        AdamSteps = c.AdamSteps,
        Random = c.Random,
        Order = order,
        Position = c.Position,
        Losses = c.Losses,
        TrainFingerprint = c.TrainFingerprint,
    };
}
