namespace CouplingFlows.Diagnostics;

/// <summary>Settings of the <see cref="LogAbsDetCostStudy"/>.</summary>
public sealed record LogAbsDetCostOptions
{
    /// <summary>The feature counts D to time, each at least 2.</summary>
    public IReadOnlyList<int> Dimensions { get; init; } = [2, 8, 32, 128, 512];

    /// <summary>Affine couplings in the timed flow.</summary>
    public int Layers { get; init; } = 4;

    /// <summary>Hidden width of every conditioner (fixed as D grows).</summary>
    public int HiddenFeatures { get; init; } = 64;

    /// <summary>Hidden layers of every conditioner.</summary>
    public int HiddenLayers { get; init; } = 2;

    /// <summary>Rows in the batch whose forward pass times the analytic log-det (reported per row).</summary>
    public int BatchRows { get; init; } = 256;

    /// <summary>Each timing repeats its operation until at least this much time has passed.</summary>
    public TimeSpan MinimumDuration { get; init; } = TimeSpan.FromMilliseconds(40);

    /// <summary>Timings per measurement; the fastest is kept (the least disturbed by other work).</summary>
    public int Repeats { get; init; } = 3;

    /// <summary>Seeds the weights and the inputs.</summary>
    public long Seed { get; init; }

    /// <summary>Throws when a setting is out of range.</summary>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    public void Validate()
    {
        if (Dimensions is null || Dimensions.Any(d => d < 2) || Dimensions.Distinct().Count() < 2)
        {
            throw new ArgumentException(
                "dims needs at least two distinct feature counts, each at least 2; got "
                + $"{(Dimensions is null ? "none" : string.Join(",", Dimensions))}.",
                nameof(Dimensions));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(Layers, 1, nameof(Layers));
        ArgumentOutOfRangeException.ThrowIfLessThan(HiddenFeatures, 1, nameof(HiddenFeatures));
        ArgumentOutOfRangeException.ThrowIfNegative(HiddenLayers, nameof(HiddenLayers));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchRows, 1, nameof(BatchRows));
        ArgumentOutOfRangeException.ThrowIfLessThan(Repeats, 1, nameof(Repeats));
        ArgumentOutOfRangeException.ThrowIfLessThan(MinimumDuration, TimeSpan.Zero, nameof(MinimumDuration));
    }
}
