using CouplingFlows.Flows;
using CouplingFlows.Nn;
using CouplingFlows.Numerics;

namespace CouplingFlows.Training;

/// <summary>
/// The complete state of a training run between two steps: enough for <see cref="Trainer.Resume"/> to
/// continue it so that it ends exactly, bit for bit, where the uninterrupted run would have.
/// </summary>
/// <remarks>
/// <para>It holds the settings (<see cref="Options"/>), the architecture (<see cref="Spec"/>) and every
/// parameter value, Adam's moments and step count, the state of the random source that orders the data
/// and draws the dequantisation noise, the current data order and position in it, the best parameters
/// so far with their step and validation NLL, the loss and validation history, the early-stopping and
/// non-finite counters, and a fingerprint of the training and validation rows.</para>
/// <para>A checkpoint handed out while the run goes on has <see cref="Outcome"/> null; the last one of a
/// run carries its <see cref="StopReason"/>. Only a run in progress or a cancelled one can be resumed.
/// When a run stops on non-finite losses, the best (last good) parameters are in the checkpoint too, and
/// they are what the trainer leaves in the flow.</para>
/// <para>Instances are created by the trainer and by <c>CheckpointFile</c>; their arrays are copies that
/// nothing else changes.</para>
/// </remarks>
public sealed class TrainingCheckpoint
{
    internal TrainingCheckpoint()
    {
    }

    /// <summary>The settings of the run; a resumed run keeps them.</summary>
    public TrainerOptions Options { get; internal init; } = new();

    /// <summary>The architecture of the flow, or null when the flow was not built from a spec.</summary>
    public FlowSpec? Spec { get; internal init; }

    /// <summary>Optimiser steps taken so far (the last completed step).</summary>
    public int Step { get; internal init; }

    /// <summary>Why the run ended, or null for a checkpoint taken while it was still running.</summary>
    public StopReason? Outcome { get; internal init; }

    /// <summary>Whether <see cref="Trainer.Resume"/> accepts it: the run is in progress or was cancelled.</summary>
    public bool CanResume => Outcome is null or StopReason.Cancelled;

    /// <summary>The step of the best parameters so far.</summary>
    public int BestStep { get; internal init; }

    /// <summary>The validation NLL at <see cref="BestStep"/>, or null without validation data.</summary>
    public double? BestValidationNll { get; internal init; }

    /// <summary>The training loss of every step so far (nats per sample; NaN for skipped steps).</summary>
    public IReadOnlyList<float> TrainLoss => Losses;

    /// <summary>(step, validation NLL) of every validation pass so far.</summary>
    public IReadOnlyList<(int Step, double Nll)> ValidationHistory => Validations;

    /// <summary>Wall time spent training so far, over every part of an interrupted run.</summary>
    public TimeSpan Elapsed { get; internal init; }

    /// <summary>Free text that an application stores with the checkpoint (the CLI keeps its settings here),
    /// or null; the trainer never reads it.</summary>
    public string? ApplicationData { get; internal init; }

    internal string[] ParameterNames { get; init; } = [];

    internal int[][] ParameterShapes { get; init; } = [];

    internal float[][] Values { get; init; } = [];

    internal float[][] BestValues { get; init; } = [];

    internal float[][] FirstMoments { get; init; } = [];

    internal float[][] SecondMoments { get; init; } = [];

    internal long AdamSteps { get; init; }

    internal RandomSourceState Random { get; init; }

    internal int[] Order { get; init; } = [];

    internal int Position { get; init; }

    internal double? LastValidationNll { get; init; }

    internal double RunningLoss { get; init; }

    internal int NonFiniteSteps { get; init; }

    internal int PatienceLeft { get; init; }

    internal float[] Losses { get; init; } = [];

    internal (int Step, double Nll)[] Validations { get; init; } = [];

    internal byte[] TrainFingerprint { get; init; } = [];

    internal byte[]? ValidationFingerprint { get; init; }

    /// <summary>A copy that carries the given application data (the arrays are shared, not copied).</summary>
    /// <param name="applicationData">Free text, typically JSON, or null.</param>
    /// <returns>The new checkpoint.</returns>
    public TrainingCheckpoint WithApplicationData(string? applicationData) => new()
    {
        Options = Options,
        Spec = Spec,
        Step = Step,
        Outcome = Outcome,
        BestStep = BestStep,
        BestValidationNll = BestValidationNll,
        Elapsed = Elapsed,
        ApplicationData = applicationData,
        ParameterNames = ParameterNames,
        ParameterShapes = ParameterShapes,
        Values = Values,
        BestValues = BestValues,
        FirstMoments = FirstMoments,
        SecondMoments = SecondMoments,
        AdamSteps = AdamSteps,
        Random = Random,
        Order = Order,
        Position = Position,
        LastValidationNll = LastValidationNll,
        RunningLoss = RunningLoss,
        NonFiniteSteps = NonFiniteSteps,
        PatienceLeft = PatienceLeft,
        Losses = Losses,
        Validations = Validations,
        TrainFingerprint = TrainFingerprint,
        ValidationFingerprint = ValidationFingerprint,
    };

    /// <summary>Builds the flow of <see cref="Spec"/> holding the parameters of step <see cref="Step"/>.</summary>
    /// <returns>A new flow, ready for <see cref="Trainer.Resume"/>.</returns>
    /// <exception cref="InvalidOperationException">The checkpoint has no spec (the flow was built by hand);
    /// build the same flow yourself and pass it to <see cref="Trainer.Resume"/>.</exception>
    public Flow RestoreFlow()
    {
        FlowSpec spec = Spec ?? throw new InvalidOperationException(
            "The checkpoint has no FlowSpec, so its flow cannot be rebuilt; build the same flow yourself.");
        Flow flow = FlowBuilder.Build(spec, new RandomSource(0));
        string? mismatch = DescribeMismatch(flow.Parameters);
        if (mismatch is not null)
        {
            throw new InvalidOperationException(
                $"The checkpoint's parameters do not fit its own architecture: {mismatch}");
        }

        CopyInto(flow.Parameters, Values);

        return flow;
    }

    /// <summary>Describes the first parameter whose name or shape differs from the checkpoint's, or null.</summary>
    internal string? DescribeMismatch(IReadOnlyList<Parameter> parameters)
    {
        if (parameters.Count != ParameterNames.Length)
        {
            return $"the flow has {parameters.Count} parameters but the checkpoint holds {ParameterNames.Length}.";
        }

        for (int p = 0; p < parameters.Count; p++)
        {
            Parameter parameter = parameters[p];
            if (parameter.Name != ParameterNames[p] || !parameter.Value.HasShape(ParameterShapes[p]))
            {
                return $"parameter {p + 1} is '{parameter.Name}' of shape {parameter.Value.ShapeText()} in the "
                    + $"flow but '{ParameterNames[p]}' of shape ({string.Join(", ", ParameterShapes[p])}) in "
                    + "the checkpoint.";
            }
        }

        return null;
    }

    /// <summary>Describes the first internal inconsistency (of a damaged or hand-made checkpoint), or null.</summary>
    internal string? DescribeInconsistency()
    {
        int count = ParameterNames.Length;
        if (ParameterShapes.Length != count || Values.Length != count || BestValues.Length != count)
        {
            return "the parameter lists have different lengths.";
        }

        for (int p = 0; p < count; p++)
        {
            long size = 1;
            foreach (int dimension in ParameterShapes[p])
            {
                size *= dimension;
            }

            if (Values[p].Length != size || BestValues[p].Length != size)
            {
                return $"parameter '{ParameterNames[p]}' holds a wrong number of values for its shape.";
            }
        }

        if (FirstMoments.Length != SecondMoments.Length
            || FirstMoments.Where((m, i) => m.Length != SecondMoments[i].Length).Any())
        {
            return "the optimiser moments do not pair up.";
        }

        return DescribeRunInconsistency();
    }

    private string? DescribeRunInconsistency()
    {
        if (Step < 0 || Step > Options.Steps || Losses.Length != Step)
        {
            return $"step {Step} does not fit the {Options.Steps} planned steps and {Losses.Length} losses.";
        }

        if (Position < 0 || Position > Order.Length || !IsPermutation(Order))
        {
            return "the data order is not a permutation of the training rows.";
        }

        if ((Random.S0 | Random.S1 | Random.S2 | Random.S3) == 0)
        {
            return "the random state is all zeros.";
        }

        if (AdamSteps < 0 || AdamSteps > Step || NonFiniteSteps < 0 || BestStep < 0 || BestStep > Step)
        {
            return "the step counters contradict each other.";
        }

        return null;
    }

    private static bool IsPermutation(int[] order)
    {
        var seen = new bool[order.Length];
        foreach (int index in order)
        {
            if ((uint)index >= (uint)order.Length || seen[index])
            {
                return false;
            }

            seen[index] = true;
        }

        return true;
    }

    internal static void CopyInto(IReadOnlyList<Parameter> parameters, float[][] values)
    {
        for (int p = 0; p < parameters.Count; p++)
        {
            values[p].CopyTo(parameters[p].Value.Data, 0);
        }
    }
}
