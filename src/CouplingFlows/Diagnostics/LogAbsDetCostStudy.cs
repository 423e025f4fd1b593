using System.Diagnostics;
using CouplingFlows.Flows;
using CouplingFlows.Numerics;

namespace CouplingFlows.Diagnostics;

/// <summary>
/// Times the analytic log-determinant of a coupling flow against the brute-force one (full Jacobian,
/// then LU) as the number of features D grows, and fits the exponent of each cost.
/// </summary>
/// <remarks>
/// <para>A coupling's Jacobian is triangular, so log|det J| = Σ sⱼ comes with the forward pass: with a
/// fixed hidden width the cost per row is O(D) (the conditioner's input and output layers). Brute force
/// needs the Jacobian, 2D forward rows by central differences, O(D²), and an LU factorisation,
/// O(D³) (RealNVP, §3.3, <see href="https://arxiv.org/abs/1605.08803"/>).</para>
/// <para>Timings are wall-clock, single-threaded, best of <see cref="LogAbsDetCostOptions.Repeats"/>;
/// at small D fixed costs (the hidden layers, call overhead) flatten the curves, so the slopes approach
/// 1 and 3 only at large D.</para>
/// </remarks>
public static class LogAbsDetCostStudy
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromMilliseconds(200);

    /// <summary>Runs the timings.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="progress">Receives each point as it is measured, or null.</param>
    /// <returns>The points and the fitted slopes.</returns>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public static LogAbsDetCostResult Run(LogAbsDetCostOptions options, IProgress<LogAbsDetCostPoint>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int[] dimensions = [.. options.Dimensions.Distinct().Order()];

        // Timings start once the JIT has promoted the hot methods (after 30 calls and a short delay).
        Measure(dimensions[0], options with { MinimumDuration = WarmUp });
        var points = new List<LogAbsDetCostPoint>();
        foreach (int d in dimensions)
        {
            LogAbsDetCostPoint point = Measure(d, options);
            points.Add(point);
            progress?.Report(point);
        }

        return new LogAbsDetCostResult(
            points, LogAbsDetCostFits.Of(points), LogAbsDetCostFits.Of(points[Math.Max(0, points.Count - 3)..]));
    }

    private static LogAbsDetCostPoint Measure(int d, LogAbsDetCostOptions options)
    {
        var random = new RandomSource(options.Seed + d);
        var spec = new FlowSpec
        {
            Features = d,
            Layers = options.Layers,
            HiddenFeatures = options.HiddenFeatures,
            HiddenLayers = options.HiddenLayers,
        };
        Flow flow = FlowBuilder.Build(spec, random);
        var batch = new Tensor(options.BatchRows, d);
        random.FillGaussian(batch.Data);
        float[] row = batch.Row(0).ToArray();
        double[,] jacobian = NumericalJacobian.Compute(flow.Transform, row, 1e-2);
        double analytic = flow.Transform.Forward(new Tensor(row, 1, d)).LogAbsDet[0];
        double bruteForce = LuDecomposition.LogAbsDeterminant(jacobian);

        double analyticSeconds = Time(() => flow.Transform.Forward(batch), options) / options.BatchRows;
        double jacobianSeconds = Time(() => NumericalJacobian.Compute(flow.Transform, row, 1e-2), options);
        double determinantSeconds = Time(() => LuDecomposition.LogAbsDeterminant(jacobian), options);

        return new LogAbsDetCostPoint(
            d, analyticSeconds, jacobianSeconds, determinantSeconds, Math.Abs(analytic - bruteForce));
    }

    /// <summary>Seconds per call: best of the repeats, each repeat looping until the minimum duration.</summary>
    private static double Time(Action operation, LogAbsDetCostOptions options)
    {
        operation();
        double best = double.PositiveInfinity;
        for (int r = 0; r < options.Repeats; r++)
        {
            long start = Stopwatch.GetTimestamp();
            int calls = 0;
            TimeSpan elapsed;
            do
            {
                operation();
                calls++;
                elapsed = Stopwatch.GetElapsedTime(start);
            }
            while (elapsed < options.MinimumDuration);

            best = Math.Min(best, elapsed.TotalSeconds / calls);
        }

        return best;
    }
}
