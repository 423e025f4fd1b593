using CouplingFlows.Numerics;

namespace CouplingFlows.Nn;

/// <summary>
/// A network that maps the identity features of a coupling (and any context) to the raw
/// parameters θ of its coupling function.
/// </summary>
/// <remarks>
/// <para>Shapes: input (B, InputFeatures), output (B, OutputFeatures).</para>
/// <para>Both <c>Forward</c> overloads are pure and safe to call from several threads at once.
/// <see cref="ForwardTraining"/> and <see cref="Backward"/> keep the activations of the last batch
/// in the instance and must be called from one thread, in that order.</para>
/// </remarks>
public interface IConditioner
{
    /// <summary>The width of the input.</summary>
    int InputFeatures { get; }

    /// <summary>The width of the output θ.</summary>
    int OutputFeatures { get; }

    /// <summary>The learnable parameters.</summary>
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>θ = net(input), without recording anything.</summary>
    /// <param name="input">(B, InputFeatures).</param>
    /// <returns>A new (B, OutputFeatures) tensor.</returns>
    Tensor Forward(Tensor input);

    /// <summary>θ = net(input) written into a caller's buffer, without recording anything.</summary>
    /// <param name="input">(B, InputFeatures).</param>
    /// <param name="destination">At least B · OutputFeatures values; the first B · OutputFeatures are
    /// overwritten with θ row-major.</param>
    /// <remarks>The default copies the result of <see cref="Forward(Tensor)"/>; a network that can write
    /// in place overrides it so that inference allocates no θ.</remarks>
    void Forward(Tensor input, Span<float> destination) => Forward(input).Data.CopyTo(destination);

    /// <summary>θ = net(input), recording what <see cref="Backward"/> needs.</summary>
    /// <param name="input">(B, InputFeatures); must stay unchanged until Backward returns.</param>
    /// <returns>θ, (B, OutputFeatures), owned by the conditioner and valid until its next call.</returns>
    Tensor ForwardTraining(Tensor input);

    /// <summary>Back-propagates ∂L/∂θ of the last <see cref="ForwardTraining"/> call.</summary>
    /// <param name="outputGradient">∂L/∂θ, (B, OutputFeatures).</param>
    /// <returns>∂L/∂input, (B, InputFeatures), owned by the conditioner and valid until its next call.
    /// Parameter gradients are added to each <see cref="Parameter.Gradient"/>.</returns>
    Tensor Backward(Tensor outputGradient);
}
