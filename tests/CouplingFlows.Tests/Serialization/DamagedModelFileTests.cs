using CouplingFlows.Data;
using CouplingFlows.Flows;
using CouplingFlows.Numerics;
using CouplingFlows.Serialization;
using CouplingFlows.Tests.Support;
using CouplingFlows.Training;

namespace CouplingFlows.Tests.Serialization;

/// <summary>Every randomly damaged model or checkpoint file is refused with a ModelFileException naming it.</summary>
public sealed class DamagedModelFileTests
{
    private const int Cases = 150;

    [Fact]
    public Task ModelFile_DamagedFile_IsAlwaysRefused()
    {
        var spec = new FlowSpec
        {
            Features = 3,
            Layers = 2,
            HiddenFeatures = 6,
            Preprocessing = PreprocessingKind.Standardize,
        };
        Flow flow = FlowBuilder.Build(spec, new RandomSource(1));

        return DamageFuzzer.RunAsync<ModelFileException>(
            ModelFile.ToBytes(flow), ".cflow", Cases, 11, mayBeRead: false, path => ModelFile.Load(path));
    }

    [Fact]
    public Task CheckpointFile_DamagedFile_IsAlwaysRefused()
    {
        Tensor train = ToyDataSets.Generate("moons", 64, new RandomSource(1));
        TrainingCheckpoint? checkpoint = null;
        var trainer = new Trainer { Checkpoints = new CheckpointPolicy(0, c => checkpoint = c) };
        trainer.Fit(
            FlowBuilder.Build(new FlowSpec { Features = 2, Layers = 2, HiddenFeatures = 4 }, new RandomSource(2)),
            train, train, new TrainerOptions { Steps = 5, BatchSize = 16, ValidationInterval = 2 });

        return DamageFuzzer.RunAsync<ModelFileException>(
            CheckpointFile.ToBytes(checkpoint!), ".cflowck", Cases, 12, mayBeRead: false,
            path => CheckpointFile.Load(path));
    }
}
