namespace CouplingFlows.Training;

/// <summary>When a training run hands its full state to a callback, so that it can be saved and resumed.</summary>
/// <remarks>
/// <para>The callback runs on the training thread, between two steps: after every
/// <see cref="Interval"/> steps, and once more when the run ends for any reason (completed, stopped early,
/// stopped on non-finite losses, or cancelled), before the best parameters are put back into the flow. Each
/// checkpoint is an independent copy; the callback may keep it or write it out (for example with
/// <c>CheckpointFile.Save</c>).</para>
/// <para>An exception thrown by the callback ends the run and propagates out of the trainer.</para>
/// </remarks>
public sealed class CheckpointPolicy
{
    /// <summary>Creates a policy.</summary>
    /// <param name="interval">Steps between two checkpoints, at least 1; 0 hands out only the final one.</param>
    /// <param name="save">Receives each checkpoint.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is negative.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="save"/> is null.</exception>
    public CheckpointPolicy(int interval, Action<TrainingCheckpoint> save)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(interval);
        ArgumentNullException.ThrowIfNull(save);
        Interval = interval;
        Save = save;
    }

    /// <summary>Steps between two checkpoints (counted from step 0 of the run); 0 for none but the last.</summary>
    public int Interval { get; }

    /// <summary>Receives each checkpoint, on the training thread.</summary>
    public Action<TrainingCheckpoint> Save { get; }
}
