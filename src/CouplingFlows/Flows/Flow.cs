using CouplingFlows.Distributions;
using CouplingFlows.Nn;
using CouplingFlows.Numerics;
using CouplingFlows.Transforms;

namespace CouplingFlows.Flows;

/// <summary>
/// A normalizing flow: an invertible transform f from data to latent space and a base density.
/// </summary>
/// <remarks>
/// <para>log p(x) = log p_Z(f(x)) + log|det ∂f/∂x| (change of variables).</para>
/// <para>Sampling draws z ~ p_Z and returns x = f⁻¹(z); then log p(x) = log p_Z(z) − log|det ∂f⁻¹/∂z|.</para>
/// <para>Inference (<see cref="LogProb"/>, <see cref="Sample"/>) is safe to call from several threads
/// at once on a flow that is not being trained; give each thread its own <see cref="RandomSource"/>,
/// which is not thread-safe. Training (<see cref="ComputeLossAndGradients"/>) must run on one thread.</para>
/// </remarks>
public sealed class Flow
{
    private Tensor? _latentGradient;
    private float[]? _logAbsDetGradient;
    private DataParallelTraining? _dataParallel;
    private float[]? _trainingLogProb;

    /// <summary>Creates a flow.</summary>
    /// <param name="transform">f, data → latent.</param>
    /// <param name="baseDistribution">p_Z, with the same number of features.</param>
    /// <param name="spec">The architecture description used to save and rebuild the flow, or null.</param>
    /// <exception cref="ArgumentException">The feature counts differ.</exception>
    public Flow(ITransform transform, IBaseDistribution baseDistribution, FlowSpec? spec = null)
    {
        ArgumentNullException.ThrowIfNull(transform);
        ArgumentNullException.ThrowIfNull(baseDistribution);
        if (transform.Features != baseDistribution.Features)
        {
            throw new ArgumentException(
                $"The transform has {transform.Features} features but the base distribution has "
                + $"{baseDistribution.Features}.",
                nameof(baseDistribution));
        }

        Transform = transform;
        Base = baseDistribution;
        Spec = spec;
    }

    /// <summary>f, data → latent.</summary>
    public ITransform Transform { get; }

    /// <summary>p_Z.</summary>
    public IBaseDistribution Base { get; }

    /// <summary>The architecture this flow was built from, when it came from <see cref="FlowBuilder"/>.</summary>
    public FlowSpec? Spec { get; }

    /// <summary>D.</summary>
    public int Features => Transform.Features;

    /// <summary>Every parameter, learnable or saved state.</summary>
    public IReadOnlyList<Parameter> Parameters => Transform.Parameters;

    /// <summary>The number of learnable scalars.</summary>
    public long TrainableParameterCount =>
        Parameters.Where(p => p.Trainable).Sum(p => (long)p.Value.Length);

    /// <summary>log p(x) per row, in nats.</summary>
    /// <param name="x">(B, D).</param>
    /// <param name="context">Optional context (B, C).</param>
    /// <returns>Length B.</returns>
    public float[] LogProb(Tensor x, Tensor? context = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        float[] logProb = new float[x.Rows];
        if (!ByBlocks(x, context))
        {
            LogProbInto(x, context, logProb);
            return logProb;
        }

        ParallelRows.For(x.Rows, (start, count) =>
        {
            Tensor block = ParallelRows.Slice(x, start, count);
            Tensor? contextBlock = context is null ? null : ParallelRows.Slice(context, start, count);
            TransformResult result = LogProbInto(block, contextBlock, logProb.AsSpan(start, count));
            RecycleBlock(block, contextBlock, result);
        });

        return logProb;
    }

    /// <summary>Draws samples x = f⁻¹(z), z ~ p_Z at temperature T.</summary>
    /// <param name="count">B, non-negative.</param>
    /// <param name="random">The random source.</param>
    /// <param name="temperature">T &gt; 0; T &lt; 1 gives cleaner, less varied samples.</param>
    /// <param name="context">Optional context (B, C).</param>
    /// <returns>(B, D) samples.</returns>
    public Tensor Sample(int count, RandomSource random, float temperature = 1f, Tensor? context = null) =>
        SampleWithLogProb(count, random, temperature, context).Samples;

    /// <summary>Draws samples and their log-densities under the flow (at T = 1).</summary>
    /// <param name="count">B, non-negative.</param>
    /// <param name="random">The random source.</param>
    /// <param name="temperature">T &gt; 0; the log-density is always that of the flow itself.</param>
    /// <param name="context">Optional context (B, C).</param>
    /// <returns>The samples and log p(x) per row.</returns>
    public FlowSample SampleWithLogProb(
        int count, RandomSource random, float temperature = 1f, Tensor? context = null)
    {
        ArgumentNullException.ThrowIfNull(random);
        Tensor z = Base.Sample(count, random, temperature);
        float[] logProb = Base.LogProb(z);
        TransformResult result = ByBlocks(z, context) ? InverseByBlocks(z, context) : Transform.Inverse(z, context);
        TensorPrimitives.Subtract(logProb, result.LogAbsDet, logProb);

        return new FlowSample(result.Output, logProb);
    }

    /// <summary>Whether a batch is worth several blocks; a context of the wrong height goes to the layers
    /// whole, so that they report it.</summary>
    private static bool ByBlocks(Tensor x, Tensor? context) =>
        x.Rows > ParallelRows.BlockRows && (context is null || context.Rows == x.Rows);

    /// <summary>Writes log p(x) of each row into <paramref name="target"/>; returns f(x) for recycling.</summary>
    private TransformResult LogProbInto(Tensor x, Tensor? context, Span<float> target)
    {
        TransformResult result = Transform.Forward(x, context);
        Base.LogProb(result.Output, target);
        TensorPrimitives.Add(target, result.LogAbsDet.AsSpan(0, x.Rows), target);

        return result;
    }

    /// <summary>Hands a finished block's buffers back for the next block on this thread.</summary>
    private static void RecycleBlock(Tensor block, Tensor? contextBlock, TransformResult result)
    {
        if (!ReferenceEquals(result.Output.Data, block.Data))
        {
            ScratchArrays.Return(result.Output.Data);
        }

        ScratchArrays.Return(result.LogAbsDet);
        ScratchArrays.Return(block.Data);
        if (contextBlock is not null)
        {
            ScratchArrays.Return(contextBlock.Data);
        }
    }

    /// <summary>f⁻¹(z) computed block by block on several threads; the same bits as one call.</summary>
    private TransformResult InverseByBlocks(Tensor z, Tensor? context)
    {
        float[] logAbsDet = new float[z.Rows];
        Tensor? output = null;
        var gate = new Lock();
        ParallelRows.For(z.Rows, (start, count) =>
        {
            Tensor block = ParallelRows.Slice(z, start, count);
            Tensor? contextBlock = context is null ? null : ParallelRows.Slice(context, start, count);
            TransformResult part = Transform.Inverse(block, contextBlock);
            part.LogAbsDet.AsSpan(0, count).CopyTo(logAbsDet.AsSpan(start, count));
            lock (gate)
            {
                if (output is null)
                {
                    int[] shape = [.. part.Output.Shape];
                    shape[0] = z.Rows;
                    output = new Tensor(shape);
                }
            }

            int width = part.Output.RowLength;
            part.Output.Data.CopyTo(output.Data, start * width);
            RecycleBlock(block, contextBlock, part);
        });

        return new TransformResult(output!, logAbsDet);
    }

    /// <summary>
    /// The mean negative log-likelihood of a batch, with its gradients added to every parameter.
    /// </summary>
    /// <remarks>L = −(1/B) Σᵢ log p(xᵢ); ∂L/∂z = z/B for the standard normal, ∂L/∂log|det J|ᵢ = −1/B.</remarks>
    /// <param name="batch">(B, D), B ≥ 1; must stay unchanged until the call returns.</param>
    /// <param name="context">Optional context (B, C).</param>
    /// <returns>L in nats per sample; non-finite when the batch or the parameters have diverged.</returns>
    public double ComputeLossAndGradients(Tensor batch, Tensor? context = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch.Rows, 1, nameof(batch));
        if (batch.Rank == 2 && DataParallelTraining.Supports(this, batch.Rows, context is not null))
        {
            _dataParallel ??= new DataParallelTraining(this);
            return _dataParallel.ComputeLossAndGradients(batch);
        }

        return -AddLogProbGradients(batch, context, 1f / batch.Rows) / batch.Rows;
    }

    /// <summary>
    /// How many threads a training step on a batch of <paramref name="rows"/> rows runs on: 2 when the
    /// step is split by rows (a tabular flow from <see cref="FlowBuilder"/>, at least 128 rows, no
    /// context, more than one processor and <see cref="Gemm.MaxDegreeOfParallelism"/> above 1), else 1
    /// (whose larger matrix products may still use a helper thread).
    /// </summary>
    /// <param name="rows">The batch size.</param>
    /// <returns>1 or 2.</returns>
    public int TrainingThreads(int rows) =>
        DataParallelTraining.Supports(this, rows, hasContext: false)
        && Gemm.MaxDegreeOfParallelism > 1
        && Environment.ProcessorCount > 1
            ? 2
            : 1;

    /// <summary>
    /// Σᵢ log p(xᵢ) over the rows of <paramref name="batch"/>, and the gradients of −w Σᵢ log p(xᵢ)
    /// added to every parameter, unless the sum is not finite.
    /// </summary>
    /// <param name="batch">(B, D) rows.</param>
    /// <param name="context">Optional context (B, C).</param>
    /// <param name="weight">w: 1/B for a whole batch, 1/(total rows) for one shard of it.</param>
    /// <returns>Σᵢ log p(xᵢ) in nats, in double precision.</returns>
    internal double AddLogProbGradients(Tensor batch, Tensor? context, float weight)
    {
        int rows = batch.Rows;
        TransformResult result = Transform.ForwardTraining(batch, context);
        float[] logProb = RowBuffer.Ensure(ref _trainingLogProb, rows);
        Base.LogProb(result.Output, logProb);
        double total = 0;
        for (int i = 0; i < rows; i++)
        {
            total += (double)logProb[i] + result.LogAbsDet[i];
        }

        if (!double.IsFinite(total))
        {
            return total;
        }

        Tensor latentGradient = Tensor.EnsureLike(ref _latentGradient, result.Output);
        Base.NegativeLogProbGradient(result.Output, weight, latentGradient);
        RowBuffer.Ensure(ref _logAbsDetGradient, rows);

        Array.Fill(_logAbsDetGradient, -weight);
        Transform.Backward(latentGradient, _logAbsDetGradient);

        return total;
    }
}
