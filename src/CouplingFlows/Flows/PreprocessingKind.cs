namespace CouplingFlows.Flows;

/// <summary>What the flow does to the data before its couplings; every step's Jacobian is counted.</summary>
public enum PreprocessingKind
{
    /// <summary>The data enter the couplings as they are.</summary>
    None,

    /// <summary>A fixed per-column standardisation (x − mean) / std, fitted on the training rows.</summary>
    Standardize,

    /// <summary>Discrete data in {0, …, L − 1}, dequantised by the trainer with uniform noise, scaled by 1/L,
    /// then passed through the logit transform.</summary>
    DequantizeLogit,
}
