using System.Numerics;
using System.Runtime.InteropServices;
using CouplingFlows.Numerics;

namespace CouplingFlows.Nn;

/// <summary>
/// The Adam optimiser with optional clipping of the global gradient norm.
/// </summary>
/// <remarks>
/// <para>For each trainable parameter θ with gradient g at step t:
/// m ← β₁ m + (1 − β₁) g, v ← β₂ v + (1 − β₂) g²,
/// θ ← θ − η (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε).</para>
/// <para>With a clip norm c, every gradient is first scaled by min(1, c / ‖g‖₂), the norm taken
/// over all parameters together.</para>
/// <para>Kingma and Ba, "Adam: A Method for Stochastic Optimization" (2015), Algorithm 1,
/// <see href="https://arxiv.org/abs/1412.6980"/>.</para>
/// </remarks>
public sealed class Adam
{
    private readonly Parameter[] _parameters;
    private readonly float[][] _firstMoments;
    private readonly float[][] _secondMoments;
    private readonly RangeUpdate _firstHalf;
    private readonly RangeUpdate _secondHalf;
    private readonly long _scalars;

    /// <summary>Below this many scalars one thread updates them all (a hand-off costs about 10 µs).</summary>
    private const long ParallelThreshold = 1 << 16;

    /// <summary>Creates an optimiser over the trainable parameters given.</summary>
    /// <param name="parameters">The parameters; non-trainable ones are skipped.</param>
    /// <param name="learningRate">η, positive.</param>
    /// <param name="beta1">β₁ in [0, 1).</param>
    /// <param name="beta2">β₂ in [0, 1).</param>
    /// <param name="epsilon">ε, positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of its range.</exception>
    public Adam(
        IEnumerable<Parameter> parameters,
        float learningRate = 1e-3f,
        float beta1 = 0.9f,
        float beta2 = 0.999f,
        float epsilon = 1e-8f)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(learningRate);
        if (beta1 is < 0f or >= 1f)
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "beta1 must lie in [0, 1).");
        }

        if (beta2 is < 0f or >= 1f)
        {
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "beta2 must lie in [0, 1).");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epsilon);
        _parameters = [.. parameters.Where(p => p.Trainable)];
        _firstMoments = [.. _parameters.Select(p => new float[p.Value.Length])];
        _secondMoments = [.. _parameters.Select(p => new float[p.Value.Length])];
        _scalars = _parameters.Sum(p => (long)p.Value.Length);
        int halfway = HalfwayIndex(_parameters);
        _firstHalf = new RangeUpdate(this, 0, halfway);
        _secondHalf = new RangeUpdate(this, halfway, _parameters.Length);
        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <summary>η; may be changed between steps by a schedule.</summary>
    public float LearningRate { get; set; }

    /// <summary>β₁.</summary>
    public float Beta1 { get; }

    /// <summary>β₂.</summary>
    public float Beta2 { get; }

    /// <summary>ε.</summary>
    public float Epsilon { get; }

    /// <summary>The number of steps taken (t).</summary>
    public long StepCount { get; private set; }

    /// <summary>The parameters this optimiser updates.</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>The first-moment buffers m, one per parameter, for checkpoints.</summary>
    public IReadOnlyList<float[]> FirstMoments => _firstMoments;

    /// <summary>The second-moment buffers v, one per parameter, for checkpoints.</summary>
    public IReadOnlyList<float[]> SecondMoments => _secondMoments;

    /// <summary>Sets every gradient to zero.</summary>
    public void ZeroGradients()
    {
        if (_scalars < ParallelThreshold)
        {
            _firstHalf.Clear();
            _secondHalf.Clear();
            return;
        }

        GemmParallel.RunPair(_firstHalf.Clearing, _secondHalf.Clearing, Gemm.MaxDegreeOfParallelism);
    }

    /// <summary>The global L2 norm of all gradients, √(Σ g²).</summary>
    /// <returns>The norm, in double precision.</returns>
    public double GradientNorm()
    {
        double sum = 0;
        foreach (Parameter parameter in _parameters)
        {
            float norm = TensorPrimitives.Norm(parameter.Gradient.Data);
            sum += (double)norm * norm;
        }

        return Math.Sqrt(sum);
    }

    /// <summary>Takes one step from the accumulated gradients.</summary>
    /// <param name="clipNorm">When set, the global gradient norm is clipped to this value first.</param>
    public void Step(float? clipNorm = null)
    {
        float gradientScale = 1f;
        if (clipNorm is float clip)
        {
            double norm = GradientNorm();
            if (norm > clip)
            {
                gradientScale = (float)(clip / norm);
            }
        }

        StepCount++;
        float correction1 = 1f - MathF.Pow(Beta1, StepCount);
        float correction2 = 1f - MathF.Pow(Beta2, StepCount);
        float stepSize = LearningRate / correction1;
        float inverseSqrtCorrection2 = 1f / MathF.Sqrt(correction2);
        var settings = new StepSettings(gradientScale, stepSize, inverseSqrtCorrection2);
        _firstHalf.Settings = settings;
        _secondHalf.Settings = settings;
        if (_scalars < ParallelThreshold)
        {
            _firstHalf.Run();
            _secondHalf.Run();
            return;
        }

        // Every element is updated on its own, so the two halves give the same bits on one thread or two.
        GemmParallel.RunPair(_firstHalf, _secondHalf, Gemm.MaxDegreeOfParallelism);
    }

    /// <summary>Restores the step count of a checkpoint (moments are restored through their buffers).</summary>
    /// <param name="stepCount">t, non-negative.</param>
    public void RestoreStepCount(long stepCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepCount);
        StepCount = stepCount;
    }

    private void UpdateRange(int start, int end, StepSettings settings)
    {
        for (int p = start; p < end; p++)
        {
            Update(
                _parameters[p].Value.Data, _parameters[p].Gradient.Data, _firstMoments[p], _secondMoments[p],
                settings.GradientScale, settings.StepSize, settings.InverseSqrtCorrection2);
        }
    }

    /// <summary>The index that cuts the parameters into two runs of about equal element count.</summary>
    private static int HalfwayIndex(Parameter[] parameters)
    {
        long total = parameters.Sum(p => (long)p.Value.Length);
        long running = 0;
        for (int p = 0; p < parameters.Length; p++)
        {
            running += parameters[p].Value.Length;
            if (2 * running >= total)
            {
                return p + 1;
            }
        }

        return parameters.Length;
    }

    private void Update(
        Span<float> value,
        ReadOnlySpan<float> gradient,
        Span<float> m,
        Span<float> v,
        float gradientScale,
        float stepSize,
        float inverseSqrtCorrection2)
    {
        float b1 = Beta1;
        float b2 = Beta2;
        float eps = Epsilon;
        var epsilon = new Vector<float>(eps);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Span<Vector<float>> valueV = MemoryMarshal.Cast<float, Vector<float>>(value);
            ReadOnlySpan<Vector<float>> gradientV = MemoryMarshal.Cast<float, Vector<float>>(gradient);
            Span<Vector<float>> mV = MemoryMarshal.Cast<float, Vector<float>>(m);
            Span<Vector<float>> vV = MemoryMarshal.Cast<float, Vector<float>>(v);
            for (int k = 0; k < valueV.Length; k++)
            {
                // The same operations in the same order as the scalar loop below, so both give the
                // same bits.
                Vector<float> g = gradientV[k] * gradientScale;
                Vector<float> mk = (b1 * mV[k]) + ((1f - b1) * g);
                Vector<float> vk = (b2 * vV[k]) + ((1f - b2) * g * g);
                mV[k] = mk;
                vV[k] = vk;
                valueV[k] -= stepSize * mk / ((Vector.SquareRoot(vk) * inverseSqrtCorrection2) + epsilon);
            }

            i = valueV.Length * Vector<float>.Count;
        }

        for (; i < value.Length; i++)
        {
            float g = gradient[i] * gradientScale;
            float mi = (b1 * m[i]) + ((1f - b1) * g);
            float vi = (b2 * v[i]) + ((1f - b2) * g * g);
            m[i] = mi;
            v[i] = vi;
            value[i] -= stepSize * mi / ((MathF.Sqrt(vi) * inverseSqrtCorrection2) + eps);
        }
    }

    private readonly record struct StepSettings(float GradientScale, float StepSize, float InverseSqrtCorrection2);

    /// <summary>The update of the parameters [start, end), for one thread.</summary>
    private sealed class RangeUpdate : IHelperJob
    {
        private readonly Adam _owner;
        private readonly int _start;
        private readonly int _end;

        public RangeUpdate(Adam owner, int start, int end)
        {
            _owner = owner;
            _start = start;
            _end = end;
            Clearing = new ClearJob(this);
        }

        public StepSettings Settings { get; set; }

        /// <summary>The same range, as a job that zeroes the gradients.</summary>
        public IHelperJob Clearing { get; }

        public void Run() => _owner.UpdateRange(_start, _end, Settings);

        public void Clear()
        {
            for (int p = _start; p < _end; p++)
            {
                _owner._parameters[p].ZeroGradient();
            }
        }

        private sealed class ClearJob(RangeUpdate range) : IHelperJob
        {
            public void Run() => range.Clear();
        }
    }
}
