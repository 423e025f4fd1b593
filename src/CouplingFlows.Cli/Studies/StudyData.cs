using CouplingFlows.Cli.Running;
using CouplingFlows.Data;
using CouplingFlows.Flows;
using CouplingFlows.Numerics;
using CouplingFlows.Training;

namespace CouplingFlows.Cli.Studies;

/// <summary>The data of a training study: train, validation and test rows and the flow spec they call for.</summary>
/// <param name="Data">The loaded set (name, test rows, levels, preprocessing).</param>
/// <param name="Train">Training rows.</param>
/// <param name="Validation">Validation rows (10 % of the training split) for model selection.</param>
/// <param name="Seed">The seed of the split, also used for the standardisation's dequantisation noise.</param>
internal sealed record StudyData(DataSet Data, Tensor Train, Tensor? Validation, long Seed)
{
    /// <summary>The share of the training split held out for validation, as in train.</summary>
    public const double ValidationFraction = 0.1;

    /// <summary>Whether the data are discrete (dequantised during training; bits/dim reported).</summary>
    public bool Discrete => Data.Levels is not null;

    public static StudyData Load(string name, long seed)
    {
        DataSet data = DataSources.Load(name, seed);
        int validationRows = (int)Math.Round(data.Train.Rows * ValidationFraction);
        if (validationRows < 1 || data.Train.Rows - validationRows < 1)
        {
            return new StudyData(data, data.Train, null, seed);
        }

        DataSplit split = DataSplit.Split(data.Train.Rows, 0.0, ValidationFraction, seed + 17);
        return new StudyData(
            data, TensorRows.Take(data.Train, split.Train), TensorRows.Take(data.Train, split.Validation), seed);
    }

    /// <summary>A spec for these data: features, preprocessing and levels; shape fields left at defaults.</summary>
    public FlowSpec Template(FlowKind kind) => new()
    {
        Kind = kind,
        Features = Data.Features,
        Preprocessing = Data.Preprocessing,
        Levels = Data.Levels ?? 256,
        ImageShape = Data.ImageShape,
    };

    /// <summary>Fits the standardisation layer of a fresh flow, when it has one.</summary>
    public void Prepare(Flow flow) => TrainJob.FitStandardization(flow, Train, Data, Seed);

    /// <summary>The trainer settings shared by every run of a study.</summary>
    public TrainerOptions Trainer(int steps, int batch, float learningRate, long seed) => new()
    {
        Steps = steps,
        BatchSize = batch,
        LearningRate = learningRate,
        Seed = seed,
        Dequantize = Discrete,
        ValidationInterval = Math.Max(1, Math.Min(100, steps / 10)),
    };

    /// <summary>The headline unit: bits per dimension for discrete data, else nats per sample.</summary>
    public double Score(double nllNats) =>
        Discrete ? Evaluation.BitsPerDimension(nllNats, Data.Features) : nllNats;

    public string ScoreUnit => Discrete ? "bits/dim" : "nats";
}
