using CouplingFlows.Nn;
using CouplingFlows.Numerics;

namespace CouplingFlows.Transforms;

/// <summary>
/// An invertible map between (B, D) batches that reports its log-Jacobian-determinant per row.
/// </summary>
/// <remarks>
/// <para>Direction: <see cref="Forward"/> maps data x towards the latent z, y = f(x), and returns
/// log|det ∂f/∂x| per row. <see cref="Inverse"/> maps y back to x = f⁻¹(y) and returns
/// log|det ∂f⁻¹/∂y|, which at y = f(x) is the negative of the forward value.</para>
/// <para>Inference (<see cref="Forward"/>, <see cref="Inverse"/>) changes no state and is safe to call
/// from several threads at once. Training (<see cref="ForwardTraining"/> then <see cref="Backward"/>)
/// records the last batch inside the transform and must run on one thread.</para>
/// <para>An image batch (B, C, H, W) is accepted wherever its row length C·H·W equals
/// <see cref="Features"/>.</para>
/// </remarks>
public interface ITransform
{
    /// <summary>D, the number of values in one row.</summary>
    int Features { get; }

    /// <summary>The parameters, learnable or saved state, in a fixed order.</summary>
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>y = f(x) and log|det ∂f/∂x| per row.</summary>
    /// <param name="x">(B, D).</param>
    /// <param name="context">Optional conditioning input (B, C), or null.</param>
    /// <returns>A new output tensor and per-row log-determinants.</returns>
    TransformResult Forward(Tensor x, Tensor? context = null);

    /// <summary>x = f⁻¹(y) and log|det ∂f⁻¹/∂y| per row.</summary>
    /// <param name="y">(B, D).</param>
    /// <param name="context">Optional conditioning input (B, C), or null.</param>
    /// <returns>A new output tensor and per-row log-determinants.</returns>
    TransformResult Inverse(Tensor y, Tensor? context = null);

    /// <summary>As <see cref="Forward"/>, recording what <see cref="Backward"/> needs.</summary>
    /// <param name="x">(B, D); must stay unchanged until Backward returns.</param>
    /// <param name="context">Optional conditioning input (B, C), or null.</param>
    /// <returns>The output (owned by the transform, valid until its next training call) and log-dets.</returns>
    TransformResult ForwardTraining(Tensor x, Tensor? context = null);

    /// <summary>Back-propagates through the last <see cref="ForwardTraining"/> call.</summary>
    /// <param name="outputGradient">∂L/∂y, (B, D).</param>
    /// <param name="logAbsDetGradient">∂L/∂(log|det J|) per row, length B.</param>
    /// <returns>∂L/∂x, (B, D), owned by the transform; parameter gradients are accumulated.</returns>
    Tensor Backward(Tensor outputGradient, ReadOnlySpan<float> logAbsDetGradient);
}
