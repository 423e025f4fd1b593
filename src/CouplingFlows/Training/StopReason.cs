namespace CouplingFlows.Training;

/// <summary>Why a training run ended.</summary>
public enum StopReason
{
    /// <summary>All planned steps ran.</summary>
    Completed,

    /// <summary>The validation NLL stopped improving for the set patience.</summary>
    EarlyStopped,

    /// <summary>The loss or the gradients stayed non-finite; the last good parameters were kept.</summary>
    NonFiniteLoss,

    /// <summary>The caller cancelled the run.</summary>
    Cancelled,
}
