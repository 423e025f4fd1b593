using CouplingFlows.Numerics;

namespace CouplingFlows.Benchmarks;

/// <summary>One matrix product of a training step: C (m × n) = op(A) (m × k) · op(B) (k × n).</summary>
/// <param name="Name">Short label: fwd (y = x W), dW (xᵀ dy) or dx (dy Wᵀ), then m x n x k.</param>
/// <param name="LayoutA">How A is stored: Normal (m, k) or Transposed (k, m).</param>
/// <param name="LayoutB">How B is stored: Normal (k, n) or Transposed (n, k).</param>
/// <param name="M">Rows of C.</param>
/// <param name="N">Columns of C.</param>
/// <param name="K">The inner dimension.</param>
public sealed record GemmShape(string Name, MatrixLayout LayoutA, MatrixLayout LayoutB, int M, int N, int K)
{
    /// <summary>Floating-point operations of one product, 2·m·n·k.</summary>
    public double Flops => 2.0 * M * N * K;

    /// <summary>The shapes of the 2 × 256 conditioners on 64-d and 784-d data at batch 256.</summary>
    public static IEnumerable<GemmShape> TrainingStep()
    {
        // Forward y = x W: x is (256, in), W is (in, out).
        yield return new("fwd 256x256x64", MatrixLayout.Normal, MatrixLayout.Normal, 256, 256, 64);
        yield return new("fwd 256x256x256", MatrixLayout.Normal, MatrixLayout.Normal, 256, 256, 256);
        yield return new("fwd 256x256x784", MatrixLayout.Normal, MatrixLayout.Normal, 256, 256, 784);
        yield return new("fwd 256x784x256", MatrixLayout.Normal, MatrixLayout.Normal, 256, 784, 256);

        // Weight gradient dW = xᵀ dy: x stored (256, in) is read transposed.
        yield return new("dW 64x256x256", MatrixLayout.Transposed, MatrixLayout.Normal, 64, 256, 256);
        yield return new("dW 256x256x256", MatrixLayout.Transposed, MatrixLayout.Normal, 256, 256, 256);
        yield return new("dW 784x256x256", MatrixLayout.Transposed, MatrixLayout.Normal, 784, 256, 256);

        // Input gradient dx = dy Wᵀ: W stored (in, out) is read transposed.
        yield return new("dx 256x64x256", MatrixLayout.Normal, MatrixLayout.Transposed, 256, 64, 256);
        yield return new("dx 256x256x256", MatrixLayout.Normal, MatrixLayout.Transposed, 256, 256, 256);
        yield return new("dx 256x784x256", MatrixLayout.Normal, MatrixLayout.Transposed, 256, 784, 256);
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
