using CouplingFlows.Nn;
using CouplingFlows.Numerics;
using CouplingFlows.Transforms;

namespace CouplingFlows.Flows;

/// <summary>
/// One training step on two threads: the batch is cut into two shards of rows, the flow itself
/// takes the first and a replica that shares its parameter values (not its gradients) the second,
/// and the replica's gradients are then added to the flow's.
/// </summary>
/// <remarks>
/// <para>With L = −(1/B) Σᵢ log p(xᵢ) and the batch split into rows S₀ and S₁,
/// ∇L = −(1/B) Σ_{i∈S₀} ∇log p(xᵢ) − (1/B) Σ_{i∈S₁} ∇log p(xᵢ): each shard back-propagates its
/// part with weight 1/B and the parts are summed, S₀'s first.</para>
/// <para>Each thread runs its whole shard (every layer, forward and backward) with its matrix
/// products on itself, so the threads meet twice per step instead of twice per product, and the
/// element-wise passes run on both cores too.</para>
/// <para>The split depends only on the batch size, never on the number of processors, so a
/// seeded run gives the same bits on any machine, and on one thread the shards simply run in turn.
/// It is used for flows from <see cref="FlowBuilder"/> whose layers treat rows independently
/// during training (the tabular kinds; image flows have ActNorm, whose first batch sets its
/// parameters).</para>
/// </remarks>
internal sealed class DataParallelTraining
{
    /// <summary>The smallest shard worth a thread: below it the hand-off costs more than it saves.</summary>
    public const int MinShardRows = 64;

    private readonly Flow _flow;
    private readonly Flow _replica;
    private readonly ShardJob _firstJob;
    private readonly ShardJob _secondJob;
    private readonly GradientSumJob _firstHalfSum;
    private readonly GradientSumJob _secondHalfSum;

    public DataParallelTraining(Flow flow)
    {
        _flow = flow;
        _replica = FlowBuilder.Build(flow.Spec!, new RandomSource(0));
        IReadOnlyList<Parameter> main = flow.Parameters;
        IReadOnlyList<Parameter> copy = _replica.Parameters;
        if (main.Count != copy.Count)
        {
            throw new InvalidOperationException(
                $"The replica has {copy.Count} parameters but the flow has {main.Count}.");
        }

        for (int p = 0; p < main.Count; p++)
        {
            copy[p].ShareValueOf(main[p]);
        }

        Parameter[] targets = [.. main.Where(p => p.Trainable)];
        Parameter[] sources = [.. copy.Where(p => p.Trainable)];
        _firstJob = new ShardJob(flow, null);
        _secondJob = new ShardJob(_replica, sources);
        _firstHalfSum = new GradientSumJob(targets, sources, 0, targets.Length / 2);
        _secondHalfSum = new GradientSumJob(targets, sources, targets.Length / 2, targets.Length);
    }

    /// <summary>Whether a step on this batch is split: a tabular flow from the builder, no context, and
    /// at least <see cref="MinShardRows"/> rows per shard.</summary>
    public static bool Supports(Flow flow, int rows, bool hasContext) =>
        !hasContext
        && rows >= 2 * MinShardRows
        && flow.Spec is { Kind: FlowKind.RealNvp or FlowKind.Nice or FlowKind.Nsf }
        && flow.Transform is CompositeTransform;

    /// <summary>The mean negative log-likelihood of the batch, gradients added to the flow's parameters.</summary>
    public double ComputeLossAndGradients(Tensor batch)
    {
        int rows = batch.Rows;
        int firstRows = (rows + 1) / 2;
        ((CompositeTransform)_replica.Transform).MemorySaving =
            ((CompositeTransform)_flow.Transform).MemorySaving;
        float weight = 1f / rows;
        _firstJob.Prepare(batch, 0, firstRows, weight);
        _secondJob.Prepare(batch, firstRows, rows - firstRows, weight);
        GemmParallel.RunPair(_firstJob, _secondJob, Gemm.MaxDegreeOfParallelism);
        double total = _firstJob.LogProbSum + _secondJob.LogProbSum;
        if (double.IsFinite(total))
        {
            GemmParallel.RunPair(_firstHalfSum, _secondHalfSum, Gemm.MaxDegreeOfParallelism);
            _secondJob.GradientsDirty = false;
        }

        return -total / rows;
    }

    /// <summary>Forward and backward of one shard of rows on one flow.</summary>
    private sealed class ShardJob(Flow flow, Parameter[]? clearFirst) : IHelperJob
    {
        private Tensor? _shard;
        private float _weight;

        /// <summary>Σ log p over the shard's rows after <see cref="Run"/>.</summary>
        public double LogProbSum { get; private set; }

        public void Prepare(Tensor batch, int start, int count, float weight)
        {
            int width = batch.RowLength;
            Tensor shard = Tensor.Ensure(ref _shard, count, width);
            batch.Data.AsSpan(start * width, count * width).CopyTo(shard.Data);
            _weight = weight;
            LogProbSum = double.NaN;
        }

        /// <summary>Whether the replica's gradients may hold values from an earlier step; the gradient sum
        /// clears them as it reads them, so normally they are already zero.</summary>
        public bool GradientsDirty { get; set; }

        public void Run()
        {
            if (clearFirst is not null && GradientsDirty)
            {
                foreach (Parameter parameter in clearFirst)
                {
                    parameter.ZeroGradient();
                }
            }

            GradientsDirty = clearFirst is not null;
            LogProbSum = flow.AddLogProbGradients(_shard!, null, _weight);
        }
    }

    /// <summary>g ← g + g_replica for the trainable parameters [start, end).</summary>
    private sealed class GradientSumJob(Parameter[] targets, Parameter[] sources, int start, int end) : IHelperJob
    {
        public void Run()
        {
            for (int p = start; p < end; p++)
            {
                // Clearing the replica's gradient right after reading it costs little (it is in cache) and
                // saves a separate pass over it at the start of the next step.
                float[] target = targets[p].Gradient.Data;
                float[] source = sources[p].Gradient.Data;
                TensorPrimitives.Add(target, source, target);
                Array.Clear(source);
            }
        }
    }
}
