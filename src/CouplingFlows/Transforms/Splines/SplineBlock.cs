using System.Buffers;

namespace CouplingFlows.Transforms.Splines;

/// <summary>
/// The exponentials of a block of splines (one per transformed element of a batch), computed at
/// once with SIMD into buffers rented from the shared pools; dispose to return them.
/// </summary>
/// <remarks>
/// Rented rather than cached so that inference stays thread-safe and a training step allocates
/// nothing once the pools are warm.
/// </remarks>
internal ref struct SplineBlock
{
    private readonly int _binCount;
    private readonly int _logOffset;
    private float[]? _shares;
    private double[]? _derivatives;

    /// <summary>Computes the exponentials of <paramref name="count"/> splines whose 3K − 1 raw values
    /// lie one after the other in <paramref name="theta"/>.</summary>
    public SplineBlock(ReadOnlySpan<float> theta, SplineOptions options, int count)
    {
        _binCount = options.BinCount;
        int interior = count * (_binCount - 1);
        _shares = ArrayPool<float>.Shared.Rent(count * 2 * _binCount);
        _derivatives = ArrayPool<double>.Shared.Rent(2 * interior);
        Span<double> derivatives = _derivatives.AsSpan(0, 2 * interior);
        SplineParameterization.Exponentiate(
            theta, options, count, _shares, derivatives[..interior], derivatives[interior..]);
        _logOffset = interior;
    }

    /// <summary>exp(u − max u) of the K widths then the K heights of spline e.</summary>
    public readonly ReadOnlySpan<float> ShareExponentials(int e) =>
        _shares.AsSpan(e * 2 * _binCount, 2 * _binCount);

    /// <summary>e^(−|r|) of the K − 1 raw derivatives of spline e.</summary>
    public readonly ReadOnlySpan<double> DerivativeExponentials(int e) =>
        _derivatives.AsSpan(e * (_binCount - 1), _binCount - 1);

    /// <summary>ln(1 + e^(−|r|)) of the K − 1 raw derivatives of spline e.</summary>
    public readonly ReadOnlySpan<double> DerivativeLogs(int e) =>
        _derivatives.AsSpan(_logOffset + (e * (_binCount - 1)), _binCount - 1);

    /// <summary>Returns the buffers to the pools.</summary>
    public void Dispose()
    {
        if (_shares is not null)
        {
            ArrayPool<float>.Shared.Return(_shares);
            _shares = null;
        }

        if (_derivatives is not null)
        {
            ArrayPool<double>.Shared.Return(_derivatives);
            _derivatives = null;
        }
    }
}
