namespace CouplingFlows.Diagnostics;

/// <summary>
/// A dual number v + d·ε with ε² = 0: a value and its derivative along one input direction, carried
/// through arithmetic by the chain rule (forward-mode differentiation).
/// </summary>
/// <remarks>
/// <para>(a + a′ε)(b + b′ε) = ab + (a′b + ab′)ε, and g(a + a′ε) = g(a) + g′(a)·a′ε for the elementary
/// functions below. Seeding input j with derivative 1 and the others with 0 makes every derivative
/// part equal ∂(·)/∂xⱼ, exact up to double rounding: no step size, no truncation error. At a kink
/// (ReLU at 0, a spline knot) the branch taken by the value decides the one-sided derivative.</para>
/// <para>Griewank and Walther, "Evaluating Derivatives" (2008), chapter 3.</para>
/// </remarks>
/// <param name="Value">v.</param>
/// <param name="Derivative">d, the derivative along the seeded direction.</param>
public readonly record struct Dual(double Value, double Derivative)
{
    /// <summary>A constant: derivative 0.</summary>
    /// <param name="value">v.</param>
    public static implicit operator Dual(double value) => new(value, 0);

    /// <summary>(a + b)′ = a′ + b′.</summary>
    /// <param name="left">a.</param>
    /// <param name="right">b.</param>
    /// <returns>a + b.</returns>
    public static Dual operator +(Dual left, Dual right) =>
        new(left.Value + right.Value, left.Derivative + right.Derivative);

    /// <summary>(a − b)′ = a′ − b′.</summary>
    /// <param name="left">a.</param>
    /// <param name="right">b.</param>
    /// <returns>a − b.</returns>
    public static Dual operator -(Dual left, Dual right) =>
        new(left.Value - right.Value, left.Derivative - right.Derivative);

    /// <summary>(−a)′ = −a′.</summary>
    /// <param name="value">a.</param>
    /// <returns>−a.</returns>
    public static Dual operator -(Dual value) => new(-value.Value, -value.Derivative);

    /// <summary>(ab)′ = a′b + ab′.</summary>
    /// <param name="left">a.</param>
    /// <param name="right">b.</param>
    /// <returns>ab.</returns>
    public static Dual operator *(Dual left, Dual right) =>
        new(left.Value * right.Value, (left.Derivative * right.Value) + (left.Value * right.Derivative));

    /// <summary>(a/b)′ = (a′ − (a/b)·b′) / b.</summary>
    /// <param name="left">a.</param>
    /// <param name="right">b.</param>
    /// <returns>a / b.</returns>
    public static Dual operator /(Dual left, Dual right)
    {
        double quotient = left.Value / right.Value;
        return new(quotient, (left.Derivative - (quotient * right.Derivative)) / right.Value);
    }

    /// <summary>exp′ = exp.</summary>
    /// <param name="x">The argument.</param>
    /// <returns>exp(x).</returns>
    public static Dual Exp(Dual x)
    {
        double e = Math.Exp(x.Value);
        return new(e, e * x.Derivative);
    }

    /// <summary>ln′(a) = 1/a.</summary>
    /// <param name="x">The argument, positive.</param>
    /// <returns>ln(x).</returns>
    public static Dual Log(Dual x) => new(Math.Log(x.Value), x.Derivative / x.Value);

    /// <summary>tanh′ = 1 − tanh².</summary>
    /// <param name="x">The argument.</param>
    /// <returns>tanh(x).</returns>
    public static Dual Tanh(Dual x)
    {
        double t = Math.Tanh(x.Value);
        return new(t, (1 - (t * t)) * x.Derivative);
    }

    /// <summary>max(a, 0), with derivative a′ where a &gt; 0 and 0 elsewhere.</summary>
    /// <param name="x">The argument.</param>
    /// <returns>ReLU(x).</returns>
    public static Dual Relu(Dual x) => x.Value > 0 ? x : default;

    /// <summary>softplus(a) = ln(1 + eᵃ), written to stay finite for large |a|; softplus′ = σ(a).</summary>
    /// <param name="x">The argument.</param>
    /// <returns>softplus(x).</returns>
    public static Dual Softplus(Dual x)
    {
        double a = x.Value;
        double value = a > 0 ? a + Math.Log(1 + Math.Exp(-a)) : Math.Log(1 + Math.Exp(a));
        double sigmoid = a > 0 ? 1 / (1 + Math.Exp(-a)) : Math.Exp(a) / (1 + Math.Exp(a));
        return new(value, sigmoid * x.Derivative);
    }

    /// <summary>Values with zero derivatives.</summary>
    /// <param name="values">The values.</param>
    /// <returns>Constants.</returns>
    public static Dual[] Constants(ReadOnlySpan<double> values)
    {
        var result = new Dual[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = values[i];
        }

        return result;
    }
}
