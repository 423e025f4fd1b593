using CouplingFlows.Training;

namespace CouplingFlows.Diagnostics;

/// <summary>One cell of the <see cref="BudgetStudy"/>: a shape and how well it trained.</summary>
/// <param name="Shape">Layers, depth, solved width and parameter count.</param>
/// <param name="MeetsBudget">Whether the count is within the tolerance; cells that miss are not trained.</param>
/// <param name="TestNll">Mean NLL of the test rows in nats per sample; NaN when not trained.</param>
/// <param name="StopReason">How training ended; null when not trained.</param>
/// <param name="Elapsed">Training time.</param>
public sealed record BudgetStudyCell(
    BudgetShape Shape, bool MeetsBudget, double TestNll, StopReason? StopReason, TimeSpan Elapsed);
