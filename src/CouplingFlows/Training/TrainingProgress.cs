namespace CouplingFlows.Training;

/// <summary>A progress report of a training run; losses are mean NLL in nats per sample.</summary>
/// <param name="Epoch">The 1-based epoch of the step.</param>
/// <param name="Step">Steps completed so far.</param>
/// <param name="TotalSteps">Steps planned.</param>
/// <param name="TrainNll">A running mean of the recent training losses.</param>
/// <param name="ValidationNll">The latest validation NLL, or null before the first pass or without validation.</param>
/// <param name="LearningRate">The learning rate of the step.</param>
/// <param name="Elapsed">Wall time since the run started.</param>
public readonly record struct TrainingProgress(
    int Epoch,
    int Step,
    int TotalSteps,
    double TrainNll,
    double? ValidationNll,
    double LearningRate,
    TimeSpan Elapsed);
