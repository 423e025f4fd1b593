namespace CouplingFlows.Diagnostics;

/// <summary>The outcome of a <see cref="JacobianAudit"/>: one line per layer and one for the stack.</summary>
/// <param name="Layers">The layers in forward order (a single entry for a transform that is not a stack).</param>
/// <param name="Stack">The whole transform, audited as one map.</param>
/// <param name="Rows">The number of rows audited.</param>
/// <param name="Tolerance">T, the bound on every scaled error.</param>
public sealed record JacobianAuditReport(
    IReadOnlyList<LayerAudit> Layers, LayerAudit Stack, int Rows, double Tolerance)
{
    /// <summary>Whether every layer and the stack are within the tolerance.</summary>
    public bool Passed => Layers.All(layer => layer.Passes(Tolerance)) && Stack.Passes(Tolerance);

    /// <summary>The entry (layer or stack) with the largest scaled error; NaN counts as largest.</summary>
    public LayerAudit Worst =>
        Layers.Append(Stack).MaxBy(a => double.IsNaN(a.WorstScaledError)
            ? double.PositiveInfinity
            : a.WorstScaledError)!;
}
