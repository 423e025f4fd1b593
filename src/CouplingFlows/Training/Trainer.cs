using CouplingFlows.Flows;
using CouplingFlows.Numerics;

namespace CouplingFlows.Training;

/// <summary>
/// Fits a flow by maximum likelihood: Adam on the mean negative log-likelihood of mini-batches.
/// </summary>
/// <remarks>
/// <para>Each epoch visits the training rows in a fresh seeded order; a partial last batch is dropped.
/// With <see cref="TrainerOptions.Dequantize"/>, U[0, 1) noise is drawn anew for every batch.</para>
/// <para>With validation data, the parameters of the best validation pass are restored at the end
/// (and early stopping can end the run). A non-finite loss or gradient skips its update; after
/// <see cref="TrainerOptions.MaxConsecutiveNonFiniteSteps"/> in a row the run stops and the last good
/// parameters are restored.</para>
/// <para>With a <see cref="Checkpoints"/> policy the run hands out its full state at a set interval and
/// when it ends (cancelled included); <see cref="Resume"/> continues from such a checkpoint, and a run
/// interrupted at any step and resumed ends with the same parameters, bit for bit, as the same run left
/// alone. Cancellation is checked between steps, so a cancelled run stops at a step boundary.</para>
/// <para>The library never prints: progress goes to the <see cref="IProgress{T}"/> given.</para>
/// </remarks>
public sealed class Trainer
{
    private readonly TimeProvider _time;

    /// <summary>Creates a trainer.</summary>
    /// <param name="time">The clock for elapsed times; the system clock when null.</param>
    public Trainer(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
    }

    /// <summary>When and where the runs of this trainer hand out checkpoints; null for never.</summary>
    public CheckpointPolicy? Checkpoints { get; init; }

    /// <summary>Runs the optimisation.</summary>
    /// <param name="flow">The flow to train, changed in place.</param>
    /// <param name="train">(N, D) training rows, N ≥ 1.</param>
    /// <param name="validation">(M, D) validation rows, M ≥ 1, or null.</param>
    /// <param name="options">The settings.</param>
    /// <param name="progress">Receives reports after validation passes and at most every 1 % of steps.</param>
    /// <param name="cancellationToken">Checked between steps; a cancelled run returns
    /// <see cref="StopReason.Cancelled"/> rather than throwing.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="ArgumentException">The data do not fit the flow.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting of <paramref name="options"/> is invalid.</exception>
    public TrainingResult Fit(
        Flow flow,
        Tensor train,
        Tensor? validation,
        TrainerOptions options,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        CheckData(flow, train, nameof(train));
        if (validation is not null)
        {
            CheckData(flow, validation, nameof(validation));
        }

        var run = new TrainingRun(flow, train, validation, options, progress, _time, Checkpoints);
        return WithMemorySetting(flow, options, () => run.Execute(cancellationToken));
    }

    /// <summary>Continues an interrupted run from a checkpoint, with the settings stored in it.</summary>
    /// <param name="flow">A flow of the checkpoint's architecture (for example from
    /// <see cref="TrainingCheckpoint.RestoreFlow"/>); its parameters are set to the checkpoint's.</param>
    /// <param name="train">The same (N, D) training rows as the interrupted run, in the same order.</param>
    /// <param name="validation">The same validation rows as the interrupted run, or null if it had none.</param>
    /// <param name="checkpoint">A checkpoint with <see cref="TrainingCheckpoint.CanResume"/> true.</param>
    /// <param name="progress">Receives reports as in <see cref="Fit"/>.</param>
    /// <param name="cancellationToken">Checked between steps.</param>
    /// <returns>The outcome of the whole run: steps, losses and elapsed time count the earlier part too.</returns>
    /// <exception cref="ArgumentException">The checkpoint is of a run that already ended, or the flow or the
    /// data differ from the run's; the message says which.</exception>
    public TrainingResult Resume(
        Flow flow,
        Tensor train,
        Tensor? validation,
        TrainingCheckpoint checkpoint,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(checkpoint);
        CheckResumable(flow, checkpoint);
        CheckData(flow, train, nameof(train));
        if (validation is not null)
        {
            CheckData(flow, validation, nameof(validation));
        }

        CheckSameData(train, validation, checkpoint);
        var run = new TrainingRun(flow, train, validation, checkpoint.Options, progress, _time, Checkpoints);
        run.Restore(checkpoint);

        return WithMemorySetting(flow, checkpoint.Options, () => run.Execute(cancellationToken));
    }

    /// <summary>Runs the work with the flow's stack in the memory mode of the options, then puts it back.</summary>
    private static TrainingResult WithMemorySetting(Flow flow, TrainerOptions options, Func<TrainingResult> work)
    {
        var stack = flow.Transform as Transforms.CompositeTransform;
        bool previous = stack?.MemorySaving ?? false;
        if (stack is not null)
        {
            stack.MemorySaving = options.MemorySaving;
        }

        try
        {
            return work();
        }
        finally
        {
            if (stack is not null)
            {
                stack.MemorySaving = previous;
            }
        }
    }

    private static void CheckData(Flow flow, Tensor data, string name)
    {
        if (data.Rows < 1)
        {
            throw new ArgumentException($"{name} has no rows; at least one is needed.", name);
        }

        if (data.RowLength != flow.Features)
        {
            throw new ArgumentException(
                $"{name} has {data.RowLength} columns but the flow was built for {flow.Features} features.", name);
        }
    }

    private static void CheckResumable(Flow flow, TrainingCheckpoint checkpoint)
    {
        if (!checkpoint.CanResume)
        {
            throw new ArgumentException(
                $"The checkpoint is of a run that already ended ({checkpoint.Outcome} at step {checkpoint.Step}); "
                + "only a run in progress or a cancelled one can be resumed.",
                nameof(checkpoint));
        }

        checkpoint.Options.Validate();
        string? problem = checkpoint.DescribeInconsistency() ?? checkpoint.DescribeMismatch(flow.Parameters);
        if (problem is not null)
        {
            throw new ArgumentException($"The checkpoint does not fit this flow: {problem}", nameof(checkpoint));
        }
    }

    private static void CheckSameData(Tensor train, Tensor? validation, TrainingCheckpoint checkpoint)
    {
        if (!DataFingerprint.Of(train).AsSpan().SequenceEqual(checkpoint.TrainFingerprint))
        {
            throw new ArgumentException(
                $"train ({train.Rows} rows) differs from the training rows of the checkpointed run; resume with "
                + "the same data, split and order.",
                nameof(train));
        }

        byte[]? fingerprint = validation is null ? null : DataFingerprint.Of(validation);
        bool same = fingerprint is null
            ? checkpoint.ValidationFingerprint is null
            : checkpoint.ValidationFingerprint is not null && fingerprint.AsSpan().SequenceEqual(
                checkpoint.ValidationFingerprint);
        if (!same)
        {
            throw new ArgumentException(
                "validation differs from the validation rows of the checkpointed run (or one of the two has "
                + "none); resume with the same data and split.",
                nameof(validation));
        }
    }
}
