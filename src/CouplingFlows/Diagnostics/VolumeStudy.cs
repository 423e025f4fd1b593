using CouplingFlows.Flows;
using CouplingFlows.Numerics;
using CouplingFlows.Training;
using CouplingFlows.Transforms;

namespace CouplingFlows.Diagnostics;

/// <summary>
/// Volume-preserving against volume-changing couplings: NICE (additive) and RealNVP (affine) trained on
/// the same data with the same budget, compared by test NLL and by the spread of their log-dets.
/// </summary>
/// <remarks>
/// <para>An additive coupling y_B = x_B + t(x_A) has a unit-triangular Jacobian, so log|det J| = 0 at
/// every input (NICE, §3.2, <see href="https://arxiv.org/abs/1410.8516"/>); NICE's only volume change is
/// its final diagonal scaling, the same for every row. RealNVP's log|det J| = Σ s(x_A) varies from row
/// to row, which lets it contract dense regions and expand sparse ones.</para>
/// </remarks>
public static class VolumeStudy
{
    /// <summary>Trains each kind and measures it.</summary>
    /// <param name="template">The flow spec; only <see cref="FlowSpec.Kind"/> changes between the runs.</param>
    /// <param name="kinds">The kinds to compare, for example NICE and RealNVP.</param>
    /// <param name="train">(N, D) training rows.</param>
    /// <param name="validation">(M, D) validation rows, or null.</param>
    /// <param name="test">(T, D) test rows.</param>
    /// <param name="trainer">The same training settings for every kind.</param>
    /// <param name="prepare">Called on each fresh flow before training, or null.</param>
    /// <param name="progress">Receives each finished kind, or null.</param>
    /// <param name="cancellationToken">Stops the study.</param>
    /// <returns>One result per kind.</returns>
    /// <exception cref="OperationCanceledException">The study was cancelled.</exception>
    public static IReadOnlyList<VolumeStudyResult> Run(
        FlowSpec template,
        IReadOnlyList<FlowKind> kinds,
        Tensor train,
        Tensor? validation,
        Tensor test,
        TrainerOptions trainer,
        Action<Flow>? prepare = null,
        IProgress<VolumeStudyResult>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(kinds);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(trainer);
        Tensor scored = trainer.Dequantize ? Evaluation.Dequantize(test, new RandomSource(trainer.Seed + 202)) : test;
        var results = new List<VolumeStudyResult>();
        foreach (FlowKind kind in kinds)
        {
            Flow flow = FlowBuilder.Build(template with { Kind = kind }, new RandomSource(trainer.Seed));
            prepare?.Invoke(flow);
            TrainingResult training = new Trainer().Fit(flow, train, validation, trainer, null, cancellationToken);
            if (training.StopReason == StopReason.Cancelled)
            {
                throw new OperationCanceledException(cancellationToken);
            }

            (double[] learned, double largestCoupling) = LearnedLogAbsDet(flow.Transform, scored);
            var result = new VolumeStudyResult(
                kind, flow.TrainableParameterCount, Evaluation.MeanNll(flow, scored), learned, largestCoupling,
                training);
            results.Add(result);
            progress?.Report(result);
        }

        return results;
    }

    /// <summary>Per row, the log-det of the layers that have trainable parameters, and the largest
    /// |log-det| of any single coupling.</summary>
    /// <param name="transform">A stack (or a single layer).</param>
    /// <param name="x">(B, D) rows.</param>
    /// <returns>The learned log-det per row and the largest coupling magnitude.</returns>
    public static (double[] Learned, double LargestCoupling) LearnedLogAbsDet(ITransform transform, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(transform);
        ArgumentNullException.ThrowIfNull(x);
        IReadOnlyList<ITransform> layers = transform is CompositeTransform stack ? stack.Layers : [transform];
        double[] learned = new double[x.Rows];
        double largest = 0;
        Tensor current = x;
        foreach (ITransform layer in layers)
        {
            TransformResult result = layer.Forward(current);
            bool trainable = layer.Parameters.Any(p => p.Trainable);
            for (int i = 0; i < x.Rows; i++)
            {
                learned[i] += trainable ? result.LogAbsDet[i] : 0;
                if (layer is CouplingTransform)
                {
                    largest = Math.Max(largest, Math.Abs(result.LogAbsDet[i]));
                }
            }

            current = result.Output;
        }

        return (learned, largest);
    }
}
