namespace CouplingFlows.Diagnostics;

/// <summary>What a fresh flow does at one depth under one initialisation scheme.</summary>
/// <param name="Scheme">The initialisation.</param>
/// <param name="Layers">The number of stacked couplings, k.</param>
/// <param name="LogScale">The bounded log-scales s of every transformed feature of couplings 1..k, over
/// every row.</param>
/// <param name="LogAbsDet">The total log|det J| of the first k couplings, one value per row.</param>
public sealed record InitializationStatistics(
    InitializationScheme Scheme, int Layers, SummaryStatistics LogScale, SummaryStatistics LogAbsDet);
