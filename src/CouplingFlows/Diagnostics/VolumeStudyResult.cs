using CouplingFlows.Flows;
using CouplingFlows.Training;

namespace CouplingFlows.Diagnostics;

/// <summary>One flow kind of the <see cref="VolumeStudy"/>: how well it fit and how its volume changes vary.</summary>
/// <param name="Kind">NICE or RealNVP (or any other kind the builder makes).</param>
/// <param name="Parameters">Trainable parameters.</param>
/// <param name="TestNll">Mean NLL of the test rows in nats per sample.</param>
/// <param name="LearnedLogAbsDet">Per test row: log|det J| of the layers with trainable parameters (the
/// couplings and any learned scaling; fixed preprocessing left out).</param>
/// <param name="LargestCouplingLogAbsDet">max over test rows and coupling layers of |log|det J|| of one
/// coupling: exactly 0 for additive couplings.</param>
/// <param name="Training">The training run.</param>
public sealed record VolumeStudyResult(
    FlowKind Kind,
    long Parameters,
    double TestNll,
    IReadOnlyList<double> LearnedLogAbsDet,
    double LargestCouplingLogAbsDet,
    TrainingResult Training)
{
    /// <summary>Mean, spread and range of <see cref="LearnedLogAbsDet"/>.</summary>
    public SummaryStatistics LearnedSummary => SummaryStatistics.Of(LearnedLogAbsDet);
}
