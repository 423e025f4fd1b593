namespace CouplingFlows.Diagnostics;

/// <summary>How an image coupling stack chooses its masks, for the receptive-field study.</summary>
public enum ImageMaskScheme
{
    /// <summary>Checkerboard couplings at full resolution, the parity alternating layer by layer.</summary>
    Checkerboard,

    /// <summary>A squeeze, then channel-wise couplings alternating the kept half of the channels.</summary>
    Channel,

    /// <summary>A squeeze, then couplings alternating checkerboard and channel-wise masks.</summary>
    Alternating,
}
