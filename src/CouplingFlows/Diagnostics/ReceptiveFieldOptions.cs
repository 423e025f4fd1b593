namespace CouplingFlows.Diagnostics;

/// <summary>Settings of the tabular <see cref="ReceptiveFieldStudy"/>.</summary>
public sealed record ReceptiveFieldOptions
{
    /// <summary>D, the number of features.</summary>
    public int Features { get; init; } = 8;

    /// <summary>The numbers of stacked couplings at which to measure, each at least 1.</summary>
    public IReadOnlyList<int> Depths { get; init; } = [1, 2, 3, 4, 5, 6, 7, 8];

    /// <summary>The mask schemes to compare.</summary>
    public IReadOnlyList<TabularMaskScheme> Schemes { get; init; } = Enum.GetValues<TabularMaskScheme>();

    /// <summary>Hidden width of the conditioners.</summary>
    public int HiddenFeatures { get; init; } = 16;

    /// <summary>The number of random points whose Jacobian patterns are joined.</summary>
    public int Points { get; init; } = 4;

    /// <summary>Seeds the weights, the random masks and the points.</summary>
    public long Seed { get; init; }

    /// <summary>Throws when a setting is out of range.</summary>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Features, 2, nameof(Features));
        ArgumentOutOfRangeException.ThrowIfLessThan(HiddenFeatures, 1, nameof(HiddenFeatures));
        ArgumentOutOfRangeException.ThrowIfLessThan(Points, 1, nameof(Points));
        if (Depths is null || Depths.Count == 0 || Depths.Any(d => d < 1))
        {
            throw new ArgumentException(
                $"layers must list at least one depth, each at least 1; got "
                + $"{(Depths is null ? "none" : string.Join(",", Depths))}.",
                nameof(Depths));
        }

        if (Schemes is null || Schemes.Count == 0)
        {
            throw new ArgumentException("At least one mask scheme is needed.", nameof(Schemes));
        }
    }
}
