namespace CouplingFlows.Training;

/// <summary>The outcome of a training run.</summary>
/// <param name="StopReason">Why it ended.</param>
/// <param name="StepsCompleted">Optimiser steps taken.</param>
/// <param name="TrainLoss">The training loss of every step (nats per sample; NaN for skipped steps).</param>
/// <param name="ValidationHistory">(step, validation NLL) of every validation pass.</param>
/// <param name="BestStep">The step whose parameters the flow holds at the end (best validation NLL, or
/// the last good step).</param>
/// <param name="BestValidationNll">The validation NLL at <paramref name="BestStep"/>, or null.</param>
/// <param name="Elapsed">Wall time of the run.</param>
/// <param name="Message">A sentence for the user when the run did not complete (for example where the loss
/// became non-finite), else null.</param>
public sealed record TrainingResult(
    StopReason StopReason,
    int StepsCompleted,
    IReadOnlyList<float> TrainLoss,
    IReadOnlyList<(int Step, double Nll)> ValidationHistory,
    int BestStep,
    double? BestValidationNll,
    TimeSpan Elapsed,
    string? Message);
