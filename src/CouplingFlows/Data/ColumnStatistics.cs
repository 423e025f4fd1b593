using CouplingFlows.Numerics;

namespace CouplingFlows.Data;

/// <summary>Per-column mean, standard deviation and range of a (B, D) table, for standardisation.</summary>
/// <remarks>
/// <para>Sums run in double precision, in two passes: μⱼ = (1/B) Σᵢ xᵢⱼ, then σⱼ =
/// √((1/B) Σᵢ (xᵢⱼ − μⱼ)²), the population standard deviation (divisor B, not B − 1).</para>
/// <para>A column is constant when all its values are equal (exactly, so that a rounding remainder
/// in σ cannot hide it); standardising it would divide by zero, so <see cref="ConstantColumns"/>
/// lists them for the caller to report or leave unscaled. NaN or infinite values make the column's
/// statistics NaN or infinite.</para>
/// </remarks>
public sealed class ColumnStatistics
{
    private ColumnStatistics(double[] mean, double[] deviation, float[] minimum, float[] maximum, int count)
    {
        Mean = mean;
        StandardDeviation = deviation;
        Minimum = minimum;
        Maximum = maximum;
        Count = count;
        ConstantColumns = [.. Enumerable.Range(0, minimum.Length).Where(j => minimum[j] == maximum[j])];
    }

    /// <summary>B, the number of rows the statistics were computed from.</summary>
    public int Count { get; }

    /// <summary>μ, the D column means.</summary>
    public double[] Mean { get; }

    /// <summary>σ, the D population standard deviations.</summary>
    public double[] StandardDeviation { get; }

    /// <summary>The D column minima.</summary>
    public float[] Minimum { get; }

    /// <summary>The D column maxima.</summary>
    public float[] Maximum { get; }

    /// <summary>The 0-based indices of the columns whose values are all equal, ascending.</summary>
    public int[] ConstantColumns { get; }

    /// <summary>Computes the statistics of every column.</summary>
    /// <param name="values">The table, shape (B, D) with B ≥ 1; higher ranks are viewed as
    /// (B, <see cref="Tensor.RowLength"/>).</param>
    /// <returns>The statistics.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="values"/> has no rows.</exception>
    public static ColumnStatistics Compute(Tensor values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Rank < 1 || values.Rows == 0)
        {
            throw new ArgumentException(
                $"values has shape {values.ShapeText()}; statistics need at least one row.", nameof(values));
        }

        int rows = values.Rows;
        int width = values.RowLength;
        double[] mean = new double[width];
        float[] minimum = values.Row(0).ToArray();
        float[] maximum = values.Row(0).ToArray();
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<float> row = values.Row(i);
            for (int j = 0; j < width; j++)
            {
                mean[j] += row[j];
                minimum[j] = Math.Min(minimum[j], row[j]);
                maximum[j] = Math.Max(maximum[j], row[j]);
            }
        }

        for (int j = 0; j < width; j++)
        {
            mean[j] /= rows;
        }

        double[] deviation = SumSquaredDeviations(values, mean);
        for (int j = 0; j < width; j++)
        {
            deviation[j] = Math.Sqrt(deviation[j] / rows);
        }

        return new ColumnStatistics(mean, deviation, minimum, maximum, rows);
    }

    private static double[] SumSquaredDeviations(Tensor values, double[] mean)
    {
        double[] sum = new double[mean.Length];
        for (int i = 0; i < values.Rows; i++)
        {
            ReadOnlySpan<float> row = values.Row(i);
            for (int j = 0; j < row.Length; j++)
            {
                double difference = row[j] - mean[j];
                sum[j] += difference * difference;
            }
        }

        return sum;
    }
}
