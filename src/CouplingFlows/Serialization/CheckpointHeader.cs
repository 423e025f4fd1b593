using CouplingFlows.Flows;
using CouplingFlows.Numerics;
using CouplingFlows.Training;

namespace CouplingFlows.Serialization;

/// <summary>The JSON part of the file: settings, architecture, counters and array sizes.</summary>
internal sealed record CheckpointHeader
{
    public TrainerOptions Options { get; init; } = new();

    public FlowSpec? Spec { get; init; }

    public int Step { get; init; }

    public StopReason? Outcome { get; init; }

    public int BestStep { get; init; }

    public double? BestValidationNll { get; init; }

    public double? LastValidationNll { get; init; }

    public double RunningLoss { get; init; }

    public int NonFiniteSteps { get; init; }

    public int PatienceLeft { get; init; }

    public long ElapsedTicks { get; init; }

    public long AdamSteps { get; init; }

    public ulong[] RandomWords { get; init; } = [];

    public bool RandomHasSpare { get; init; }

    public double RandomSpare { get; init; }

    public int Position { get; init; }

    public int ParameterCount { get; init; }

    public int MomentCount { get; init; }

    public int OrderLength { get; init; }

    public int ValidationCount { get; init; }

    public byte[] TrainFingerprint { get; init; } = [];

    public byte[]? ValidationFingerprint { get; init; }

    public string? ApplicationData { get; init; }

    public static CheckpointHeader Of(TrainingCheckpoint c) => new()
    {
        Options = c.Options,
        Spec = c.Spec,
        Step = c.Step,
        Outcome = c.Outcome,
        BestStep = c.BestStep,
        BestValidationNll = c.BestValidationNll,
        LastValidationNll = c.LastValidationNll,
        RunningLoss = c.RunningLoss,
        NonFiniteSteps = c.NonFiniteSteps,
        PatienceLeft = c.PatienceLeft,
        ElapsedTicks = c.Elapsed.Ticks,
        AdamSteps = c.AdamSteps,
        RandomWords = [c.Random.S0, c.Random.S1, c.Random.S2, c.Random.S3],
        RandomHasSpare = c.Random.HasSpareGaussian,
        RandomSpare = c.Random.SpareGaussian,
        Position = c.Position,
        ParameterCount = c.ParameterNames.Length,
        MomentCount = c.FirstMoments.Length,
        OrderLength = c.Order.Length,
        ValidationCount = c.Validations.Length,
        TrainFingerprint = c.TrainFingerprint,
        ValidationFingerprint = c.ValidationFingerprint,
        ApplicationData = c.ApplicationData,
    };

    /// <summary>Refuses sizes and settings no writer could have produced, before arrays are allocated.</summary>
    public void Check()
    {
        if (Options is null || RandomWords is not { Length: 4 } || TrainFingerprint is null
            || ParameterCount < 0 || MomentCount < 0 || OrderLength < 0 || ValidationCount < 0 || Step < 0
            || ElapsedTicks < 0)
        {
            throw new InvalidDataException("the header holds an impossible size or lacks a field.");
        }

        Options.Validate();
        Spec?.Validate();
    }

    public TrainingCheckpoint ToCheckpoint(
        string[] names, int[][] shapes, float[][] values, float[][] best, float[][] moments, int[] order,
        float[] losses, (int Step, double Nll)[] validations) => new()
        {
            Options = Options,
            Spec = Spec,
            Step = Step,
            Outcome = Outcome,
            BestStep = BestStep,
            BestValidationNll = BestValidationNll,
            Elapsed = TimeSpan.FromTicks(ElapsedTicks),
            ApplicationData = ApplicationData,
            ParameterNames = names,
            ParameterShapes = shapes,
            Values = values,
            BestValues = best,
            FirstMoments = moments[..MomentCount],
            SecondMoments = moments[MomentCount..],
            AdamSteps = AdamSteps,
            Random = new RandomSourceState(
                RandomWords[0], RandomWords[1], RandomWords[2], RandomWords[3], RandomHasSpare, RandomSpare),
            Order = order,
            Position = Position,
            LastValidationNll = LastValidationNll,
            RunningLoss = RunningLoss,
            NonFiniteSteps = NonFiniteSteps,
            PatienceLeft = PatienceLeft,
            Losses = losses,
            Validations = validations,
            TrainFingerprint = TrainFingerprint,
            ValidationFingerprint = ValidationFingerprint,
        };
}
