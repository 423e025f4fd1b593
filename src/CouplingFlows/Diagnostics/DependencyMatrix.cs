using System.Text;

namespace CouplingFlows.Diagnostics;

/// <summary>
/// Which inputs influence which outputs of a transform: the non-zero pattern of its Jacobian,
/// joined over the points at which it was measured.
/// </summary>
/// <remarks>Output i depends on input j when |∂yᵢ/∂xⱼ| exceeded the threshold at some measured point.
/// The receptive field of output i is the set of inputs it depends on.</remarks>
public sealed class DependencyMatrix
{
    private readonly bool[,] _dependsOn;

    private DependencyMatrix(bool[,] dependsOn)
    {
        _dependsOn = dependsOn;
        Features = dependsOn.GetLength(0);
    }

    /// <summary>D, the number of inputs and of outputs.</summary>
    public int Features { get; }

    /// <summary>The mean receptive-field size over the outputs.</summary>
    public double MeanReceptiveFieldSize =>
        Enumerable.Range(0, Features).Average(ReceptiveFieldSize);

    /// <summary>The smallest receptive field of any output.</summary>
    public int MinimumReceptiveFieldSize => Enumerable.Range(0, Features).Min(ReceptiveFieldSize);

    /// <summary>The largest receptive field of any output.</summary>
    public int MaximumReceptiveFieldSize => Enumerable.Range(0, Features).Max(ReceptiveFieldSize);

    /// <summary>Whether every output depends on every input.</summary>
    public bool IsDense => MinimumReceptiveFieldSize == Features;

    /// <summary>Builds the pattern from Jacobians measured at one or more points.</summary>
    /// <param name="jacobians">D × D matrices, J[i, j] = ∂yᵢ/∂xⱼ; at least one.</param>
    /// <param name="threshold">An entry counts when its magnitude exceeds this (0 keeps every non-zero).</param>
    /// <returns>The joined pattern.</returns>
    /// <exception cref="ArgumentException">The list is empty, or the matrices differ in size or are not
    /// square.</exception>
    public static DependencyMatrix FromJacobians(IEnumerable<double[,]> jacobians, double threshold)
    {
        ArgumentNullException.ThrowIfNull(jacobians);
        ArgumentOutOfRangeException.ThrowIfNegative(threshold);
        bool[,]? pattern = null;
        foreach (double[,] jacobian in jacobians)
        {
            int d = jacobian.GetLength(0);
            pattern ??= new bool[d, d];
            if (jacobian.GetLength(1) != d || d != pattern.GetLength(0))
            {
                throw new ArgumentException(
                    $"Every Jacobian must be {pattern.GetLength(0)} x {pattern.GetLength(0)}; got "
                    + $"{d} x {jacobian.GetLength(1)}.",
                    nameof(jacobians));
            }

            for (int i = 0; i < d; i++)
            {
                for (int j = 0; j < d; j++)
                {
                    pattern[i, j] |= Math.Abs(jacobian[i, j]) > threshold;
                }
            }
        }

        return new DependencyMatrix(pattern ?? throw new ArgumentException(
            "At least one Jacobian is needed.", nameof(jacobians)));
    }

    /// <summary>Whether output <paramref name="output"/> depends on input <paramref name="input"/>.</summary>
    /// <param name="output">i in [0, D).</param>
    /// <param name="input">j in [0, D).</param>
    /// <returns>True when ∂yᵢ/∂xⱼ was non-zero somewhere.</returns>
    public bool DependsOn(int output, int input) => _dependsOn[output, input];

    /// <summary>The number of inputs output i depends on.</summary>
    /// <param name="output">i in [0, D).</param>
    /// <returns>Between 1 (itself) and D.</returns>
    public int ReceptiveFieldSize(int output)
    {
        int count = 0;
        for (int j = 0; j < Features; j++)
        {
            count += _dependsOn[output, j] ? 1 : 0;
        }

        return count;
    }

    /// <summary>The pattern as text: one line per output, '#' where it depends on an input, '.' elsewhere.</summary>
    /// <returns>D lines of D characters.</returns>
    public string ToPattern()
    {
        var builder = new StringBuilder();
        for (int i = 0; i < Features; i++)
        {
            for (int j = 0; j < Features; j++)
            {
                builder.Append(_dependsOn[i, j] ? '#' : '.');
            }

            builder.Append('\n');
        }

        return builder.ToString();
    }
}
