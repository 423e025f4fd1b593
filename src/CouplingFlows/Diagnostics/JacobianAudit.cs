using CouplingFlows.Numerics;
using CouplingFlows.Transforms;

namespace CouplingFlows.Diagnostics;

/// <summary>
/// Audits a transform layer by layer: the float32 round trip, and the analytic log-determinant
/// against the log-determinant of the full Jacobian computed by brute force in double.
/// </summary>
/// <remarks>
/// <para>For each layer fₗ (and then for the whole stack f) at the rows it actually sees:
/// the round trip |fₗ⁻¹(fₗ(x)) − x| in float32; the float32 analytic log|det J| and the analytic
/// log|det J| of the layer's double twin, both against log|det J| of the twin's full Jacobian by
/// forward-mode differentiation (<see cref="ReferenceJacobian"/>, LU in <see cref="LuDecomposition"/>);
/// the float32 output against the twin's; and the float32 inverse log-det against minus the forward
/// one.</para>
/// <para>A measure passes when every error is at most T·max(1, |reference|), T =
/// <see cref="JacobianAuditOptions.Tolerance"/>. Cost per row: D dual-number passes of every layer and
/// D of the stack for the Jacobians, and O(D³) per LU factorisation.</para>
/// </remarks>
public static class JacobianAudit
{
    /// <summary>Runs the audit.</summary>
    /// <param name="transform">The transform, usually a <see cref="CompositeTransform"/>.</param>
    /// <param name="x">(B, D) rows at which to audit, B ≥ 1, inside the transform's domain.</param>
    /// <param name="context">(B, C) context, or null.</param>
    /// <param name="options">Tolerance and reference extension; defaults when null.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentException">x has no rows or the wrong number of features.</exception>
    /// <exception cref="NotSupportedException">A layer has no double-precision reference.</exception>
    public static JacobianAuditReport Run(
        ITransform transform, Tensor x, Tensor? context = null, JacobianAuditOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(transform);
        ArgumentNullException.ThrowIfNull(x);
        options ??= new JacobianAuditOptions();
        options.Validate();
        if (x.Rows < 1 || x.RowLength != transform.Features)
        {
            throw new ArgumentException(
                $"x has shape {x.ShapeText()} but the audit needs at least one row of {transform.Features} "
                + "features.",
                nameof(x));
        }

        IReadOnlyList<ITransform> layers = transform is CompositeTransform stack ? stack.Layers : [transform];
        var audits = new List<LayerAudit>(layers.Count);
        Tensor current = x;
        for (int l = 0; l < layers.Count; l++)
        {
            (LayerAudit audit, Tensor next) = AuditLayer(NameOf(layers[l], l), layers[l], current, context, options);
            audits.Add(audit);
            current = next;
        }

        (LayerAudit whole, _) = AuditLayer("stack", transform, x, context, options);

        return new JacobianAuditReport(audits, whole, x.Rows, options.Tolerance);
    }

    /// <summary>A readable name: the prefix of the layer's first parameter, else its type.</summary>
    /// <param name="layer">The layer.</param>
    /// <param name="index">Its position in the stack.</param>
    /// <returns>For example "coupling3" or "Logit".</returns>
    public static string NameOf(ITransform layer, int index)
    {
        ArgumentNullException.ThrowIfNull(layer);
        string? first = layer.Parameters.Count > 0 ? layer.Parameters[0].Name : null;
        string name = first is null ? layer.GetType().Name : first.Split('.')[0];
        return $"{index}:{name}";
    }

    private static (LayerAudit Audit, Tensor Output) AuditLayer(
        string name, ITransform layer, Tensor x, Tensor? context, JacobianAuditOptions options)
    {
        TransformResult forward = layer.Forward(x, context);
        TransformResult inverse = layer.Inverse(forward.Output, context);
        IReferenceLayer reference = ReferenceBuilder.Create(layer, options.Extension);
        int d = layer.Features;
        var roundTrip = default(AuditMeasure);
        var output = default(AuditMeasure);
        var floatLogAbsDet = default(AuditMeasure);
        var referenceLogAbsDet = default(AuditMeasure);
        var inverseLogAbsDet = default(AuditMeasure);
        double largest = 0;
        double[] y = new double[d];
        for (int i = 0; i < x.Rows; i++)
        {
            double[] point = Widen(x.Row(i));
            double[] contextRow = context is null ? [] : Widen(context.Row(i));
            double analytic = reference.Forward(point, contextRow, y);
            double[,] jacobian = ReferenceJacobian.Compute(reference, point, contextRow);
            double bruteForce = LuDecomposition.LogAbsDeterminant(jacobian);
            for (int j = 0; j < d; j++)
            {
                roundTrip = roundTrip.Include(inverse.Output[i, j], point[j]);
                output = output.Include(forward.Output[i, j], y[j]);
            }

            floatLogAbsDet = floatLogAbsDet.Include(forward.LogAbsDet[i], bruteForce);
            referenceLogAbsDet = referenceLogAbsDet.Include(analytic, bruteForce);
            inverseLogAbsDet = inverseLogAbsDet.Include(inverse.LogAbsDet[i], -(double)forward.LogAbsDet[i]);
            largest = Math.Max(largest, Math.Abs(bruteForce));
        }

        var audit = new LayerAudit
        {
            Name = name,
            TransformType = layer.GetType().Name,
            Features = d,
            RoundTrip = roundTrip,
            LogAbsDet = floatLogAbsDet,
            ReferenceLogAbsDet = referenceLogAbsDet,
            Output = output,
            InverseLogAbsDet = inverseLogAbsDet,
            LargestLogAbsDet = largest,
        };

        return (audit, forward.Output);
    }

    private static double[] Widen(ReadOnlySpan<float> values)
    {
        double[] result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = values[i];
        }

        return result;
    }
}
