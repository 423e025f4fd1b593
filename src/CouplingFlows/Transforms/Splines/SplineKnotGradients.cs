namespace CouplingFlows.Transforms.Splines;

/// <summary>
/// Views over one buffer of 3(K + 1) values holding ∂L/∂xₖ, ∂L/∂yₖ and ∂L/∂dₖ of one spline.
/// </summary>
internal readonly ref struct SplineKnotGradients
{
    /// <summary>Slices a buffer of at least 3(K + 1) values.</summary>
    public SplineKnotGradients(Span<float> buffer, int binCount)
    {
        int knots = binCount + 1;
        X = buffer[..knots];
        Y = buffer.Slice(knots, knots);
        Derivatives = buffer.Slice(2 * knots, knots);
    }

    /// <summary>∂L/∂x₀ … ∂L/∂x_K.</summary>
    public Span<float> X { get; }

    /// <summary>∂L/∂y₀ … ∂L/∂y_K.</summary>
    public Span<float> Y { get; }

    /// <summary>∂L/∂d₀ … ∂L/∂d_K.</summary>
    public Span<float> Derivatives { get; }

    /// <summary>The buffer length needed for K bins.</summary>
    public static int Length(int binCount) => 3 * (binCount + 1);

    /// <summary>Sets every gradient to zero.</summary>
    public void Clear()
    {
        X.Clear();
        Y.Clear();
        Derivatives.Clear();
    }
}
