using CouplingFlows.Nn;
using CouplingFlows.Transforms;

namespace CouplingFlows.Diagnostics;

/// <summary>
/// Builds the double-precision twin (<see cref="IReferenceLayer"/>) of a float32 transform from its
/// parameters.
/// </summary>
/// <remarks>
/// <para>Known layers: <see cref="AffineCoupling"/>, <see cref="AdditiveCoupling"/> and
/// <see cref="RationalQuadraticSplineCoupling"/> with an <see cref="Mlp"/>, <see cref="ResidualMlp"/>,
/// <see cref="ResidualConvNet"/> or <see cref="MaskedGridConditioner"/> conditioner,
/// <see cref="ElementwiseAffine"/>, <see cref="Logit"/>, <see cref="Permutation"/>, <see cref="ActNorm"/>,
/// <see cref="Squeeze"/>, and <see cref="CompositeTransform"/> and <see cref="MultiScaleTransform"/>
/// (recursively).</para>
/// <para>A layer type this builder does not know (a new coupling, an image layer) can join through
/// the <c>extension</c> argument, which is asked first for every layer, nested ones included;
/// <see cref="ReferenceCoupling"/> assembles a coupling from a conditioner and an
/// <see cref="IReferenceCouplingFunction"/>.</para>
/// </remarks>
public static class ReferenceBuilder
{
    /// <summary>Whether <see cref="Create"/> can build a reference for the transform.</summary>
    /// <param name="transform">The float32 transform.</param>
    /// <param name="extension">Optional builder for layer types not known here; returns null to decline.</param>
    /// <returns>True when every layer has a reference.</returns>
    public static bool IsSupported(ITransform transform, Func<ITransform, IReferenceLayer?>? extension = null)
    {
        ArgumentNullException.ThrowIfNull(transform);
        return transform switch
        {
            _ when extension?.Invoke(transform) is not null => true,
            CompositeTransform stack => stack.Layers.All(layer => IsSupported(layer, extension)),
            MultiScaleTransform multiScale => multiScale.Stages.All(stage => IsSupported(stage, extension)),
            AffineCoupling or AdditiveCoupling or RationalQuadraticSplineCoupling =>
                IsConditionerSupported(((CouplingTransform)transform).Conditioner),
            ElementwiseAffine or Logit or Permutation or ActNorm or Squeeze => true,
            _ => false,
        };
    }

    /// <summary>Builds the double twin of a transform.</summary>
    /// <param name="transform">The float32 transform; its parameters are copied now.</param>
    /// <param name="extension">Optional builder for layer types not known here; returns null to decline.</param>
    /// <returns>The reference layer.</returns>
    /// <exception cref="NotSupportedException">A layer or conditioner type has no reference.</exception>
    public static IReferenceLayer Create(ITransform transform, Func<ITransform, IReferenceLayer?>? extension = null)
    {
        ArgumentNullException.ThrowIfNull(transform);
        if (extension?.Invoke(transform) is IReferenceLayer custom)
        {
            return custom;
        }

        return transform switch
        {
            CompositeTransform stack => new ReferenceStack([.. stack.Layers.Select(l => Create(l, extension))]),
            MultiScaleTransform multiScale => new ReferenceMultiScale(
                [.. multiScale.Stages.Select(stage => Create(stage, extension))]),
            AffineCoupling affine => new ReferenceCoupling(
                affine.Mask, CreateConditioner(affine.Conditioner),
                new ReferenceAffineFunction(affine.ScaleBound), affine.ContextFeatures),
            AdditiveCoupling additive => new ReferenceCoupling(
                additive.Mask, CreateConditioner(additive.Conditioner),
                new ReferenceAdditiveFunction(), additive.ContextFeatures),
            RationalQuadraticSplineCoupling spline => new ReferenceCoupling(
                spline.Mask, CreateConditioner(spline.Conditioner),
                new ReferenceSplineFunction(spline.Options), spline.ContextFeatures),
            ElementwiseAffine scaling => new ReferenceElementwiseAffine(scaling),
            Logit logit => new ReferenceLogit(logit),
            Permutation permutation => new ReferencePermutation(permutation),
            ActNorm actNorm => new ReferenceActNorm(actNorm),
            Squeeze squeeze => new ReferenceSqueeze(squeeze),
            _ => throw new NotSupportedException(
                $"{transform.GetType().Name} has no double-precision reference in this build; known layers are "
                + "AffineCoupling, AdditiveCoupling, RationalQuadraticSplineCoupling, ElementwiseAffine, Logit, "
                + "Permutation, ActNorm, Squeeze, CompositeTransform and MultiScaleTransform. Pass an extension "
                + "that builds one."),
        };
    }

    /// <summary>Builds the double twin of a conditioner network.</summary>
    /// <param name="conditioner">The float32 conditioner.</param>
    /// <returns>The reference conditioner.</returns>
    /// <exception cref="NotSupportedException">The conditioner is not an <see cref="Mlp"/> or a
    /// <see cref="ResidualMlp"/>.</exception>
    public static IReferenceConditioner CreateConditioner(IConditioner conditioner)
    {
        ArgumentNullException.ThrowIfNull(conditioner);
        return conditioner switch
        {
            Mlp mlp => new ReferenceMlp(mlp),
            ResidualMlp residual => new ReferenceResidualMlp(residual),
            ResidualConvNet convolutional => new ReferenceConvNet(convolutional),
            MaskedGridConditioner grid => new ReferenceMaskedGridConditioner(grid),
            _ => throw new NotSupportedException(
                $"The conditioner {conditioner.GetType().Name} has no double-precision reference; Mlp, "
                + "ResidualMlp, ResidualConvNet and MaskedGridConditioner have."),
        };
    }

    private static bool IsConditionerSupported(IConditioner conditioner) => conditioner switch
    {
        Mlp or ResidualMlp or ResidualConvNet => true,
        MaskedGridConditioner grid => IsConditionerSupported(grid.Network),
        _ => false,
    };
}
