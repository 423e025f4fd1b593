using CouplingFlows.Numerics;

namespace CouplingFlows.Data;

/// <summary>A seeded partition of row indices into training, validation and test parts.</summary>
/// <remarks>
/// The rows are shuffled with <see cref="RandomSource.Permutation"/> from the seed; the test part
/// takes the first round(N · testFraction) shuffled rows, the validation part the next
/// round(N · validationFraction), and training the rest (rounding half away from zero). Each part lists its
/// indices in ascending order. The same N, fractions and seed always give the same split.
/// </remarks>
public sealed class DataSplit
{
    private DataSplit(int[] train, int[] validation, int[] test)
    {
        Train = train;
        Validation = validation;
        Test = test;
    }

    /// <summary>The training row indices, ascending.</summary>
    public int[] Train { get; }

    /// <summary>The validation row indices, ascending; empty when the validation fraction rounds to 0.</summary>
    public int[] Validation { get; }

    /// <summary>The test row indices, ascending; empty when the test fraction rounds to 0.</summary>
    public int[] Test { get; }

    /// <summary>Splits the row indices 0..rows−1 at random.</summary>
    /// <param name="rows">N, the number of rows, at least 1.</param>
    /// <param name="testFraction">The share of rows for testing, in [0, 1).</param>
    /// <param name="validationFraction">The share of rows for validation, in [0, 1).</param>
    /// <param name="seed">The seed of the shuffle.</param>
    /// <returns>The three disjoint parts, which together hold every row once.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> is less than 1, a
    /// fraction is outside [0, 1), or the fractions sum to 1 or more.</exception>
    /// <exception cref="ArgumentException">The split leaves no training row.</exception>
    public static DataSplit Split(int rows, double testFraction, double validationFraction, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        CheckFraction(testFraction, nameof(testFraction));
        CheckFraction(validationFraction, nameof(validationFraction));
        if (testFraction + validationFraction >= 1.0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(validationFraction), validationFraction,
                $"testFraction + validationFraction must be below 1 to leave rows for training; got "
                + $"{testFraction} + {validationFraction}.");
        }

        int testCount = RoundedShare(rows, testFraction);
        int validationCount = RoundedShare(rows, validationFraction);
        int trainCount = rows - testCount - validationCount;
        if (trainCount < 1)
        {
            throw new ArgumentException(
                $"Splitting {rows} rows into {testCount} test and {validationCount} validation rows leaves none "
                + "for training; use smaller fractions or more rows.",
                nameof(rows));
        }

        int[] order = new RandomSource(seed).Permutation(rows);
        int[] test = Sorted(order.AsSpan(0, testCount));
        int[] validation = Sorted(order.AsSpan(testCount, validationCount));
        int[] train = Sorted(order.AsSpan(testCount + validationCount));

        return new DataSplit(train, validation, test);
    }

    private static void CheckFraction(double fraction, string name)
    {
        if (!(fraction >= 0.0 && fraction < 1.0))
        {
            throw new ArgumentOutOfRangeException(name, fraction, $"{name} must be in [0, 1); got {fraction}.");
        }
    }

    private static int RoundedShare(int rows, double fraction) =>
        (int)Math.Round(rows * fraction, MidpointRounding.AwayFromZero);

    private static int[] Sorted(ReadOnlySpan<int> indices)
    {
        int[] result = indices.ToArray();
        Array.Sort(result);

        return result;
    }
}
