namespace CouplingFlows.Numerics;

/// <summary>How a row-major operand of a matrix product is read.</summary>
public enum MatrixLayout
{
    /// <summary>The operand is used as stored.</summary>
    Normal,

    /// <summary>The operand is used transposed: a stored (k, m) matrix acts as (m, k).</summary>
    Transposed,
}
