namespace CouplingFlows.Transforms;

/// <summary>
/// A layer or conditioner that keeps buffers between its training forward and backward passes and can
/// drop them when asked, so that memory-saving training holds one layer's activations at a time.
/// </summary>
public interface ITrainingCache
{
    /// <summary>Drops every training buffer; the next training call allocates them again.</summary>
    void ReleaseTrainingCache();
}
