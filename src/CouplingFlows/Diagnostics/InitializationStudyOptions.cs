namespace CouplingFlows.Diagnostics;

/// <summary>Settings of the <see cref="InitializationStudy"/>.</summary>
public sealed record InitializationStudyOptions
{
    /// <summary>D, the number of features (inputs are drawn from N(0, I)).</summary>
    public int Features { get; init; } = 16;

    /// <summary>The numbers of stacked couplings at which to report, ascending, each at least 1.</summary>
    public IReadOnlyList<int> Depths { get; init; } = [1, 2, 4, 8, 16, 32];

    /// <summary>Hidden width of every conditioner.</summary>
    public int HiddenFeatures { get; init; } = 256;

    /// <summary>Hidden layers of every conditioner.</summary>
    public int HiddenLayers { get; init; } = 2;

    /// <summary>Rows drawn from N(0, I).</summary>
    public int Rows { get; init; } = 1000;

    /// <summary>The schemes to compare.</summary>
    public IReadOnlyList<InitializationScheme> Schemes { get; init; } = Enum.GetValues<InitializationScheme>();

    /// <summary>Seeds the weights and the inputs; every scheme gets the same inputs.</summary>
    public long Seed { get; init; }

    /// <summary>Throws when a setting is out of range.</summary>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Features, 2, nameof(Features));
        ArgumentOutOfRangeException.ThrowIfLessThan(HiddenFeatures, 1, nameof(HiddenFeatures));
        ArgumentOutOfRangeException.ThrowIfLessThan(HiddenLayers, 1, nameof(HiddenLayers));
        ArgumentOutOfRangeException.ThrowIfLessThan(Rows, 1, nameof(Rows));
        if (Depths is null || Depths.Count == 0 || Depths.Any(d => d < 1))
        {
            throw new ArgumentException(
                $"depths must list at least one layer count, each at least 1; got "
                + $"{(Depths is null ? "none" : string.Join(",", Depths))}.",
                nameof(Depths));
        }

        if (Schemes is null || Schemes.Count == 0)
        {
            throw new ArgumentException("At least one initialisation scheme is needed.", nameof(Schemes));
        }
    }
}
