namespace CouplingFlows.Diagnostics;

/// <summary>What a fresh flow does at one depth under one initialisation scheme.</summary>
/// <param name="Scheme">The initialisation.</param>
/// <param name="Layers">The number of stacked couplings, k.</param>
/// <param name="LogScale">The bounded log-scales s of every transformed feature of couplings 1..k, over
/// every row.</param>
/// <param name="RawLogScale">The conditioners' raw outputs h before the soft clamp s = c·tanh(h/c), pooled
/// the same way: how far the unbounded log-scale would go.</param>
/// <param name="LogAbsDet">The total log|det J| of the first k couplings, one value per row.</param>
/// <param name="Output">Every value of the flow's output after k couplings: how far the data are carried.</param>
public sealed record InitializationStatistics(
    InitializationScheme Scheme,
    int Layers,
    SummaryStatistics LogScale,
    SummaryStatistics RawLogScale,
    SummaryStatistics LogAbsDet,
    SummaryStatistics Output);
