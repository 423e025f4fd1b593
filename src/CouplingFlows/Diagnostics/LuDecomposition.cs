namespace CouplingFlows.Diagnostics;

/// <summary>log|det A| of a square matrix by LU decomposition with partial pivoting, in double.</summary>
/// <remarks>PA = LU with unit-diagonal L, so log|det A| = Σᵢ log|Uᵢᵢ|. O(n³) operations.</remarks>
public static class LuDecomposition
{
    /// <summary>log|det A|; −∞ for a singular matrix.</summary>
    /// <param name="matrix">A, n × n; not modified.</param>
    /// <returns>The natural log of the absolute determinant.</returns>
    /// <exception cref="ArgumentException">The matrix is not square.</exception>
    public static double LogAbsDeterminant(double[,] matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int n = matrix.GetLength(0);
        if (matrix.GetLength(1) != n)
        {
            throw new ArgumentException(
                $"The matrix is {n} x {matrix.GetLength(1)}; a determinant needs a square matrix.", nameof(matrix));
        }

        double[,] a = (double[,])matrix.Clone();
        double logDet = 0;
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int row = col + 1; row < n; row++)
            {
                if (Math.Abs(a[row, col]) > Math.Abs(a[pivot, col]))
                {
                    pivot = row;
                }
            }

            if (a[pivot, col] == 0)
            {
                return double.NegativeInfinity;
            }

            if (pivot != col)
            {
                for (int k = 0; k < n; k++)
                {
                    (a[pivot, k], a[col, k]) = (a[col, k], a[pivot, k]);
                }
            }

            logDet += Math.Log(Math.Abs(a[col, col]));
            for (int row = col + 1; row < n; row++)
            {
                double factor = a[row, col] / a[col, col];
                for (int k = col; k < n; k++)
                {
                    a[row, k] -= factor * a[col, k];
                }
            }
        }

        return logDet;
    }
}
