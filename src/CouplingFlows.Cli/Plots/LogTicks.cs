using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace CouplingFlows.Cli.Plots;

/// <summary>Labels an axis whose coordinates are log10 values with the values themselves.</summary>
internal static class LogTicks
{
    public static void Apply(IAxis axis)
    {
        axis.TickGenerator = new NumericAutomatic
        {
            LabelFormatter = v => Math.Pow(10, v).ToString("G3", CultureInfo.InvariantCulture)
                .Replace("E", "e", StringComparison.Ordinal),
            MinorTickGenerator = new LogMinorTickGenerator(),
            IntegerTicksOnly = true,
        };
    }
}
