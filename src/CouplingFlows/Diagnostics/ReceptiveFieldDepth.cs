namespace CouplingFlows.Diagnostics;

/// <summary>The dependency pattern of a coupling stack after a number of layers.</summary>
/// <param name="Masks">The mask scheme's name, for example "alternating".</param>
/// <param name="Layers">k, the number of stacked layers measured.</param>
/// <param name="Dependencies">Which inputs influence each output after k layers.</param>
public sealed record ReceptiveFieldDepth(string Masks, int Layers, DependencyMatrix Dependencies);
