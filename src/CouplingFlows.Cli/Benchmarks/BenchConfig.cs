using CouplingFlows.Flows;

namespace CouplingFlows.Cli.Benchmarks;

/// <summary>A standard configuration of the reference table: a flow family on a data set.</summary>
/// <param name="Name">The name used by --config, for example realnvp-digits.</param>
/// <param name="Kind">The flow family.</param>
/// <param name="Data">digits, moons or mnist.</param>
internal sealed record BenchConfig(string Name, FlowKind Kind, string Data)
{
    /// <summary>The couplings of every reference configuration.</summary>
    public const int StandardLayers = 8;

    /// <summary>The nine configurations of the reference figures, in their order.</summary>
    public static IReadOnlyList<BenchConfig> Standard { get; } =
    [
        new("realnvp-digits", FlowKind.RealNvp, "digits"),
        new("nice-digits", FlowKind.Nice, "digits"),
        new("nsf-digits", FlowKind.Nsf, "digits"),
        new("realnvp-moons", FlowKind.RealNvp, "moons"),
        new("nice-moons", FlowKind.Nice, "moons"),
        new("nsf-moons", FlowKind.Nsf, "moons"),
        new("realnvp-mnist", FlowKind.RealNvp, "mnist"),
        new("nice-mnist", FlowKind.Nice, "mnist"),
        new("nsf-mnist", FlowKind.Nsf, "mnist"),
    ];

    /// <summary>Resolves --config: one name or "all".</summary>
    public static IReadOnlyList<BenchConfig> Select(string value)
    {
        if (string.Equals(value, "all", StringComparison.OrdinalIgnoreCase))
        {
            return Standard;
        }

        BenchConfig? found = Standard.FirstOrDefault(
            c => string.Equals(c.Name, value, StringComparison.OrdinalIgnoreCase));
        return found is null
            ? throw new UsageException(
                $"--config '{value}' is not a standard configuration; use all or one of "
                + $"{string.Join(", ", Standard.Select(c => c.Name))}.")
            : [found];
    }
}
