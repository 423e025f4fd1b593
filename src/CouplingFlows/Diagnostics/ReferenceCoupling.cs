using CouplingFlows.Transforms;

namespace CouplingFlows.Diagnostics;

/// <summary>The double-precision twin of a coupling layer, built from its three parts.</summary>
/// <remarks>
/// <para>y_A = x_A, θ = c(x_A ‖ context), y_B = g(x_B; θ), log|det J| = Σ_{j∈B} log|∂gⱼ/∂xⱼ|
/// (the block-triangular Jacobian of NICE, §3.2, <see href="https://arxiv.org/abs/1410.8516"/>).</para>
/// <para>The conditioner input is the identity block in ascending index order, then the context,
/// as <see cref="CouplingTransform"/> builds it. A coupling that builds its conditioner input
/// differently (a masked full-width image, say) needs its own reference layer.</para>
/// </remarks>
public sealed class ReferenceCoupling : IReferenceLayer
{
    private readonly int[] _identity;
    private readonly int[] _transformed;
    private readonly IReferenceConditioner _conditioner;
    private readonly IReferenceCouplingFunction _function;

    /// <summary>Assembles a reference coupling.</summary>
    /// <param name="mask">The split of the features.</param>
    /// <param name="conditioner">Reads |A| + contextFeatures values and writes |B|·P.</param>
    /// <param name="function">The coupling function g, with P parameters per feature.</param>
    /// <param name="contextFeatures">C, 0 for none.</param>
    /// <exception cref="ArgumentException">The conditioner does not fit the mask and function.</exception>
    public ReferenceCoupling(
        CouplingMask mask, IReferenceConditioner conditioner, IReferenceCouplingFunction function, int contextFeatures)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(conditioner);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentOutOfRangeException.ThrowIfNegative(contextFeatures);
        _identity = [.. mask.IdentityIndices];
        _transformed = [.. mask.TransformedIndices];
        if (conditioner.InputFeatures != _identity.Length + contextFeatures
            || conditioner.OutputFeatures != _transformed.Length * function.ParametersPerFeature)
        {
            throw new ArgumentException(
                $"The conditioner maps {conditioner.InputFeatures} to {conditioner.OutputFeatures} values but the "
                + $"coupling needs {_identity.Length + contextFeatures} to "
                + $"{_transformed.Length * function.ParametersPerFeature}.",
                nameof(conditioner));
        }

        _conditioner = conditioner;
        _function = function;
        Features = mask.Features;
        ContextFeatures = contextFeatures;
    }

    /// <inheritdoc/>
    public int Features { get; }

    /// <inheritdoc/>
    public int ContextFeatures { get; }

    /// <inheritdoc/>
    public Dual Forward(ReadOnlySpan<Dual> x, ReadOnlySpan<double> context, Span<Dual> y)
    {
        var input = new Dual[_conditioner.InputFeatures];
        for (int j = 0; j < _identity.Length; j++)
        {
            input[j] = x[_identity[j]];
        }

        for (int c = 0; c < ContextFeatures; c++)
        {
            input[_identity.Length + c] = context[c];
        }

        var theta = new Dual[_conditioner.OutputFeatures];
        _conditioner.Forward(input, theta);
        var xB = new Dual[_transformed.Length];
        for (int j = 0; j < _transformed.Length; j++)
        {
            xB[j] = x[_transformed[j]];
        }

        var yB = new Dual[_transformed.Length];
        Dual logAbsDet = _function.Forward(xB, theta, yB);
        x.CopyTo(y);
        for (int j = 0; j < _transformed.Length; j++)
        {
            y[_transformed[j]] = yB[j];
        }

        return logAbsDet;
    }
}
