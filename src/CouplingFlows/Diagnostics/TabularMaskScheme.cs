namespace CouplingFlows.Diagnostics;

/// <summary>How the masks of a tabular coupling stack change from layer to layer.</summary>
public enum TabularMaskScheme
{
    /// <summary>Keep the even features, then the odd ones, alternately.</summary>
    Alternating,

    /// <summary>Keep the first half, then the second half, alternately.</summary>
    HalfSplit,

    /// <summary>Keep a fresh random half in every layer.</summary>
    Random,
}
