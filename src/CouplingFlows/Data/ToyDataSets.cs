using CouplingFlows.Numerics;

namespace CouplingFlows.Data;

/// <summary>Generates the classic two-dimensional test densities for flows: moons, circles, eight
/// Gaussians, checkerboard, pinwheel and spirals.</summary>
/// <remarks>
/// <para>Row i belongs to component i mod K (K = 2 for moons, circles and spirals, 8 for the eight
/// Gaussians and the checkerboard cells, 5 for the pinwheel arms), so every component gets an equal
/// share; positions within a component are independent draws. "noise" is the standard deviation σ
/// of Gaussian noise added to both coordinates, except for the pinwheel (see below). With
/// θ ~ U(a, b) and ε ~ N(0, σ²I):</para>
/// <para>moons (default σ = 0.05): θ ~ U(0, π); (cos θ, sin θ) + ε or (1 − cos θ, ½ − sin θ) + ε.
/// The mean is (½, ¼). Shape as in scikit-learn's make_moons.</para>
/// <para>circles (default σ = 0.05): θ ~ U(0, 2π); (cos θ, sin θ) + ε or ½ (cos θ, sin θ) + ε.</para>
/// <para>eight-gaussians (default σ = 0.2): 2 (cos kπ/4, sin kπ/4) + ε for k = 0..7.</para>
/// <para>checkerboard (default σ = 0): uniform on the 8 cells of a 4 × 4 board on [−2, 2]² whose
/// row and column indices have an even sum, plus ε when σ &gt; 0.</para>
/// <para>pinwheel (default σ = 0.1): r = 1 + 0.3 z₁, t = σ z₂ with z ~ N(0, I); the point (r, t) is
/// rotated by φ = 2πk/5 + ¼ exp(r), k = 0..4. After M. J. Johnson et al., "Composing graphical
/// models with neural networks for structured representations and fast inference" (NeurIPS 2016),
/// <see href="https://arxiv.org/abs/1603.06277"/>.</para>
/// <para>spirals (default σ = 0.1): θ = 3π √u with u ~ U(0, 1); (θ/π)(cos θ, sin θ) + ε for one arm
/// and its negation for the other: two interleaved arms of 1.5 turns reaching radius 3.</para>
/// </remarks>
public static class ToyDataSets
{
    private static readonly string[] NameList =
        ["moons", "circles", "eight-gaussians", "checkerboard", "pinwheel", "spirals"];

    /// <summary>The accepted data set names, in a fixed order.</summary>
    public static IReadOnlyList<string> Names => NameList;

    /// <summary>Draws points from a named two-dimensional density.</summary>
    /// <param name="name">One of <see cref="Names"/>; letter case is ignored.</param>
    /// <param name="count">The number of points, at least 1.</param>
    /// <param name="random">The source of randomness; the same seed gives the same points.</param>
    /// <param name="noise">The noise level σ ≥ 0, or null for the set's default (see remarks).</param>
    /// <returns>The points, shape (count, 2).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="random"/>
    /// is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not one of <see cref="Names"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is less than 1, or
    /// <paramref name="noise"/> is negative or not finite.</exception>
    public static Tensor Generate(string name, int count, RandomSource random, float? noise = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (noise is float level && !(level >= 0f && float.IsFinite(level)))
        {
            throw new ArgumentOutOfRangeException(
                nameof(noise), noise, $"noise must be a finite value of at least 0; got {level}.");
        }

        var points = new Tensor(count, 2);
        Func<int, RandomSource, double, (double X, double Y)> draw = name.ToLowerInvariant() switch
        {
            "moons" => Moon,
            "circles" => Circle,
            "eight-gaussians" => EightGaussians,
            "checkerboard" => Checkerboard,
            "pinwheel" => Pinwheel,
            "spirals" => Spiral,
            _ => throw new ArgumentException(
                $"Unknown toy data set '{name}'; the accepted names are {string.Join(", ", NameList)}.",
                nameof(name)),
        };
        double sigma = noise ?? DefaultNoise(name.ToLowerInvariant());
        for (int i = 0; i < count; i++)
        {
            (double x, double y) = draw(i, random, sigma);
            points[i, 0] = (float)x;
            points[i, 1] = (float)y;
        }

        return points;
    }

    private static double DefaultNoise(string name) => name switch
    {
        "moons" or "circles" => 0.05,
        "eight-gaussians" => 0.2,
        "checkerboard" => 0.0,
        _ => 0.1,
    };

    private static (double X, double Y) Moon(int index, RandomSource random, double sigma)
    {
        double angle = Math.PI * random.NextDouble();
        (double sin, double cos) = Math.SinCos(angle);
        (double x, double y) = index % 2 == 0 ? (cos, sin) : (1.0 - cos, 0.5 - sin);

        return AddNoise(x, y, random, sigma);
    }

    private static (double X, double Y) Circle(int index, RandomSource random, double sigma)
    {
        const double innerFactor = 0.5;
        double radius = index % 2 == 0 ? 1.0 : innerFactor;
        (double sin, double cos) = Math.SinCos(2.0 * Math.PI * random.NextDouble());

        return AddNoise(radius * cos, radius * sin, random, sigma);
    }

    private static (double X, double Y) EightGaussians(int index, RandomSource random, double sigma)
    {
        const double radius = 2.0;
        (double sin, double cos) = Math.SinCos(index % 8 * Math.PI / 4.0);

        return AddNoise(radius * cos, radius * sin, random, sigma);
    }

    private static (double X, double Y) Checkerboard(int index, RandomSource random, double sigma)
    {
        int cell = index % 8;
        int row = cell / 2;
        int column = (2 * (cell % 2)) + (row % 2);
        double x = -2.0 + column + random.NextDouble();
        double y = -2.0 + row + random.NextDouble();

        return sigma > 0 ? AddNoise(x, y, random, sigma) : (x, y);
    }

    private static (double X, double Y) Pinwheel(int index, RandomSource random, double sigma)
    {
        const int arms = 5;
        const double radialDeviation = 0.3;
        const double twist = 0.25;
        double radial = 1.0 + (radialDeviation * random.NextGaussian());
        double tangential = sigma * random.NextGaussian();
        double angle = (2.0 * Math.PI * (index % arms) / arms) + (twist * Math.Exp(radial));
        (double sin, double cos) = Math.SinCos(angle);

        return ((radial * cos) - (tangential * sin), (radial * sin) + (tangential * cos));
    }

    private static (double X, double Y) Spiral(int index, RandomSource random, double sigma)
    {
        const double halfTurns = 3.0;
        double angle = halfTurns * Math.PI * Math.Sqrt(random.NextDouble());
        double radius = angle / Math.PI;
        double sign = index % 2 == 0 ? 1.0 : -1.0;
        (double sin, double cos) = Math.SinCos(angle);

        return AddNoise(sign * radius * cos, sign * radius * sin, random, sigma);
    }

    private static (double X, double Y) AddNoise(double x, double y, RandomSource random, double sigma)
    {
        return (x + (sigma * random.NextGaussian()), y + (sigma * random.NextGaussian()));
    }
}
