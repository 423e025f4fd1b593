using System.Buffers;
using System.Diagnostics;
using CouplingFlows.Numerics;

namespace CouplingFlows.Nn;

/// <summary>
/// A two-dimensional convolution with a square odd kernel, stride 1 and same padding on a
/// (B, C_in, H, W) batch.
/// </summary>
/// <remarks>
/// <para>y[o, i, j] = b[o] + Σ_c Σ_u Σ_v K[o, c, u, v] · x[c, i + u − p, j + v − p], with
/// p = (k − 1) / 2 and x = 0 outside the image, so the output is (B, C_out, H, W).</para>
/// <para>Computed per image as one matrix product: the input is unfolded into a column matrix
/// X̃ of shape (C_in·k², H·W) whose row (c, u, v) holds x shifted by (u − p, v − p) (im2col),
/// then Y = K X̃ + b with K viewed as (C_out, C_in·k²). A 1×1 kernel uses the input itself
/// as X̃.</para>
/// <para>Backward: ∂L/∂K += Σ_images ∂L/∂Y X̃ᵀ, ∂L/∂b += Σ_images Σ_pixels ∂L/∂Y, and
/// ∂L/∂X̃ = Kᵀ ∂L/∂Y, folded back onto the pixels it was read from (col2im).</para>
/// <para>Weights are stored (C_out, C_in, k, k) row-major. The training workspaces are kept in the
/// instance, so <see cref="Backward"/> must run on one thread; <see cref="Forward"/> rents its
/// scratch and is safe to call from several threads at once.</para>
/// </remarks>
public sealed class Conv2d
{
    private float[]? _weightTransposed;
    private GradientSink? _sink;

    /// <summary>Creates a convolution with weights drawn by <paramref name="init"/> and zero bias.</summary>
    /// <param name="name">Prefix of the parameter names.</param>
    /// <param name="inputChannels">C_in, at least 1.</param>
    /// <param name="outputChannels">C_out, at least 1.</param>
    /// <param name="kernelSize">k, odd and at least 1 (3 and 1 are the usual choices).</param>
    /// <param name="init">The weight initialisation; fan-in C_in·k², fan-out C_out·k².</param>
    /// <param name="random">The random source for the draw.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1 or the kernel size is even.</exception>
    public Conv2d(
        string name, int inputChannels, int outputChannels, int kernelSize, WeightInit init, RandomSource random)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelSize, 1);
        if (kernelSize % 2 == 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(kernelSize), kernelSize,
                $"kernelSize must be odd so that same padding is symmetric; got {kernelSize}.");
        }

        InputChannels = inputChannels;
        OutputChannels = outputChannels;
        KernelSize = kernelSize;
        Weight = new Parameter(
            name + ".weight", new Tensor(outputChannels, inputChannels, kernelSize, kernelSize));
        Bias = new Parameter(name + ".bias", new Tensor(outputChannels));
        Initialize(init, random);
    }

    /// <summary>C_in.</summary>
    public int InputChannels { get; }

    /// <summary>C_out.</summary>
    public int OutputChannels { get; }

    /// <summary>k, the kernel's height and width.</summary>
    public int KernelSize { get; }

    /// <summary>p = (k − 1) / 2, the zero padding on every side.</summary>
    public int Padding => KernelSize / 2;

    /// <summary>K, shape (C_out, C_in, k, k).</summary>
    public Parameter Weight { get; }

    /// <summary>b, shape (C_out).</summary>
    public Parameter Bias { get; }

    private int Taps => InputChannels * KernelSize * KernelSize;

    /// <summary>Redraws the weights and zeroes the bias.</summary>
    /// <param name="init">The weight initialisation; Glorot uses a = √(6 / (C_in k² + C_out k²)).</param>
    /// <param name="random">The random source.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="init"/> is not a known value.</exception>
    public void Initialize(WeightInit init, RandomSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Span<float> w = Weight.Value.Data;
        int area = KernelSize * KernelSize;
        switch (init)
        {
            case WeightInit.GlorotUniform:
                float bound = MathF.Sqrt(6f / ((InputChannels + OutputChannels) * area));
                random.FillUniform(w, -bound, bound);
                break;
            case WeightInit.StandardNormal:
                random.FillGaussian(w);
                break;
            case WeightInit.Zeros:
                w.Clear();
                break;
            case WeightInit.LeCunUniform:
                float limit = 1f / MathF.Sqrt(InputChannels * area);
                random.FillUniform(w, -limit, limit);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(init), init, "Unknown weight initialisation.");
        }

        Array.Clear(Bias.Value.Data);
    }

    /// <summary>y = conv(x) + b for a batch of images.</summary>
    /// <param name="input">x, (B, C_in, H, W) row-major.</param>
    /// <param name="output">y, (B, C_out, H, W); overwritten.</param>
    /// <param name="images">B, at least 0.</param>
    /// <param name="height">H, at least 1.</param>
    /// <param name="width">W, at least 1.</param>
    /// <exception cref="ArgumentException">A buffer is shorter than its shape needs.</exception>
    public void Forward(ReadOnlySpan<float> input, Span<float> output, int images, int height, int width)
    {
        CheckSizes(input.Length, output.Length, images, height, width);
        ForwardCore(input, output, images, height, width, Gemm.MaxDegreeOfParallelism);
    }

    /// <summary><see cref="Forward"/> without validation, its matrix products on at most
    /// <paramref name="maxDegree"/> threads (1 when the caller already runs on several).</summary>
    internal void ForwardCore(
        ReadOnlySpan<float> input, Span<float> output, int images, int height, int width, int maxDegree)
    {
        int pixels = height * width;
        float[]? rented = KernelSize == 1 ? null : ArrayPool<float>.Shared.Rent(Taps * pixels);
        for (int n = 0; n < images; n++)
        {
            ReadOnlySpan<float> x = input.Slice(n * InputChannels * pixels, InputChannels * pixels);
            Span<float> y = output.Slice(n * OutputChannels * pixels, OutputChannels * pixels);
            ForwardImage(x, y, height, width, rented, maxDegree);
        }

        if (rented is not null)
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>Accumulates ∂L/∂K and ∂L/∂b and writes ∂L/∂x.</summary>
    /// <param name="input">The x of the forward pass, (B, C_in, H, W).</param>
    /// <param name="outputGradient">∂L/∂y, (B, C_out, H, W).</param>
    /// <param name="inputGradient">Receives ∂L/∂x, (B, C_in, H, W); empty to skip it.</param>
    /// <param name="images">B.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <exception cref="ArgumentException">A buffer is shorter than its shape needs.</exception>
    public void Backward(
        ReadOnlySpan<float> input,
        ReadOnlySpan<float> outputGradient,
        Span<float> inputGradient,
        int images,
        int height,
        int width)
    {
        CheckSizes(input.Length, outputGradient.Length, images, height, width);
        bool wantInput = !inputGradient.IsEmpty;
        int pixels = height * width;
        if (wantInput && inputGradient.Length < images * InputChannels * pixels)
        {
            throw new ArgumentException(
                $"inputGradient holds {inputGradient.Length} values; {images} images need "
                + $"{images * InputChannels * pixels}.",
                nameof(inputGradient));
        }

        PrepareBackward();
        _sink ??= new GradientSink(this);
        BackwardInto(input, outputGradient, inputGradient, images, height, width, _sink, Gemm.MaxDegreeOfParallelism);
        AddGradients(_sink);
    }

    /// <summary>Computes Kᵀ for the <see cref="BackwardInto"/> calls that follow; those may then run
    /// concurrently, each with its own sink, as long as the weights do not change.</summary>
    internal void PrepareBackward()
    {
        _weightTransposed ??= new float[Taps * OutputChannels];
        Gemm.Transpose(Weight.Value.Data, OutputChannels, Taps, _weightTransposed);
    }

    /// <summary>The backward pass of some images with the parameter gradients added into a sink instead
    /// of the parameters; <see cref="PrepareBackward"/> must have run since the weights last changed.</summary>
    internal void BackwardInto(
        ReadOnlySpan<float> input,
        ReadOnlySpan<float> outputGradient,
        Span<float> inputGradient,
        int images,
        int height,
        int width,
        GradientSink sink,
        int maxDegree)
    {
        Debug.Assert(_weightTransposed is not null, "PrepareBackward must run before BackwardInto.");
        int pixels = height * width;
        sink.EnsureColumns(KernelSize == 1 ? 0 : Taps * pixels);
        for (int n = 0; n < images; n++)
        {
            int inOffset = n * InputChannels * pixels;
            ReadOnlySpan<float> x = input.Slice(inOffset, InputChannels * pixels);
            ReadOnlySpan<float> dy = outputGradient.Slice(n * OutputChannels * pixels, OutputChannels * pixels);
            Span<float> dx = inputGradient.IsEmpty ? [] : inputGradient.Slice(inOffset, InputChannels * pixels);
            BackwardImage(x, dy, dx, height, width, sink, maxDegree);
        }
    }

    /// <summary>Adds a sink's gradients to ∂L/∂K and ∂L/∂b and clears the sink.</summary>
    internal void AddGradients(GradientSink sink)
    {
        AddTransposed(sink.WeightGradientTransposed, Taps, OutputChannels, Weight.Gradient.Data);
        TensorPrimitives.Add(Bias.Gradient.Data, sink.BiasGradient, Bias.Gradient.Data);
        Array.Clear(sink.WeightGradientTransposed);
        Array.Clear(sink.BiasGradient);
    }

    private void ForwardImage(
        ReadOnlySpan<float> x, Span<float> y, int height, int width, float[]? scratch, int maxDegree)
    {
        int pixels = height * width;
        ReadOnlySpan<float> bias = Bias.Value.Data;
        for (int o = 0; o < OutputChannels; o++)
        {
            y.Slice(o * pixels, pixels).Fill(bias[o]);
        }

        ReadOnlySpan<float> columns = x;
        if (scratch is not null)
        {
            Unfold(x, scratch, height, width);
            columns = scratch.AsSpan(0, Taps * pixels);
        }

        Gemm.MultiplyCore(
            MatrixLayout.Normal, MatrixLayout.Normal, OutputChannels, pixels, Taps,
            Weight.Value.Data, columns, y, accumulate: true, maxDegree);
    }

    private void BackwardImage(
        ReadOnlySpan<float> x,
        ReadOnlySpan<float> dy,
        Span<float> dx,
        int height,
        int width,
        GradientSink work,
        int maxDegree)
    {
        int pixels = height * width;
        int taps = Taps;
        Span<float> biasGradient = work.BiasGradient;
        for (int o = 0; o < OutputChannels; o++)
        {
            biasGradient[o] += TensorPrimitives.Sum(dy.Slice(o * pixels, pixels));
        }

        ReadOnlySpan<float> columns = x;
        if (KernelSize > 1)
        {
            Unfold(x, work.Columns, height, width);
            columns = work.Columns.AsSpan(0, taps * pixels);
        }

        // ∂L/∂Kᵀ (taps, C_out) += X̃ (taps, HW) · ∂L/∂Yᵀ (HW, C_out); transposed once at the end.
        Gemm.MultiplyCore(
            MatrixLayout.Normal, MatrixLayout.Transposed, taps, OutputChannels, pixels,
            columns, dy, work.WeightGradientTransposed, accumulate: true, maxDegree);
        if (dx.IsEmpty)
        {
            return;
        }

        Span<float> columnGradient = KernelSize == 1 ? dx : work.ColumnGradient.AsSpan(0, taps * pixels);
        Gemm.MultiplyCore(
            MatrixLayout.Normal, MatrixLayout.Normal, taps, pixels, OutputChannels,
            _weightTransposed, dy, columnGradient, accumulate: false, maxDegree);
        if (KernelSize > 1)
        {
            dx.Clear();
            Fold(columnGradient, dx, height, width);
        }
    }

    /// <summary>im2col: writes the (C_in·k², H·W) matrix X̃ of one image.</summary>
    private void Unfold(ReadOnlySpan<float> x, Span<float> columns, int height, int width)
    {
        int pixels = height * width;
        int k = KernelSize;
        int p = Padding;
        for (int c = 0; c < InputChannels; c++)
        {
            ReadOnlySpan<float> plane = x.Slice(c * pixels, pixels);
            for (int u = 0; u < k; u++)
            {
                for (int v = 0; v < k; v++)
                {
                    Span<float> row = columns.Slice((((c * k) + u) * k + v) * pixels, pixels);
                    ShiftedCopy(plane, row, height, width, u - p, v - p);
                }
            }
        }
    }

    /// <summary>col2im: adds each entry of ∂L/∂X̃ onto the input pixel it was read from.</summary>
    private void Fold(ReadOnlySpan<float> columns, Span<float> dx, int height, int width)
    {
        int pixels = height * width;
        int k = KernelSize;
        int p = Padding;
        for (int c = 0; c < InputChannels; c++)
        {
            Span<float> plane = dx.Slice(c * pixels, pixels);
            for (int u = 0; u < k; u++)
            {
                for (int v = 0; v < k; v++)
                {
                    ReadOnlySpan<float> row = columns.Slice((((c * k) + u) * k + v) * pixels, pixels);
                    ShiftedAdd(row, plane, height, width, u - p, v - p);
                }
            }
        }
    }

    /// <summary>destination[i, j] = source[i + di, j + dj], or 0 where that falls outside.</summary>
    private static void ShiftedCopy(
        ReadOnlySpan<float> source, Span<float> destination, int height, int width, int di, int dj)
    {
        int first = Math.Max(0, -dj);
        int last = Math.Min(width, width - dj);
        for (int i = 0; i < height; i++)
        {
            Span<float> target = destination.Slice(i * width, width);
            int si = i + di;
            if (si < 0 || si >= height || first >= last)
            {
                target.Clear();
                continue;
            }

            target[..first].Clear();
            source.Slice((si * width) + first + dj, last - first).CopyTo(target[first..last]);
            target[last..].Clear();
        }
    }

    /// <summary>destination[i + di, j + dj] += source[i, j] wherever that lies inside.</summary>
    private static void ShiftedAdd(
        ReadOnlySpan<float> source, Span<float> destination, int height, int width, int di, int dj)
    {
        int first = Math.Max(0, -dj);
        int last = Math.Min(width, width - dj);
        if (first >= last)
        {
            return;
        }

        for (int i = 0; i < height; i++)
        {
            int si = i + di;
            if (si < 0 || si >= height)
            {
                continue;
            }

            Span<float> target = destination.Slice((si * width) + first + dj, last - first);
            TensorPrimitives.Add(target, source.Slice((i * width) + first, last - first), target);
        }
    }

    /// <summary>destination (rows, columns) += transpose of source (columns, rows).</summary>
    private static void AddTransposed(float[] source, int sourceRows, int sourceColumns, Span<float> destination)
    {
        for (int i = 0; i < sourceRows; i++)
        {
            for (int j = 0; j < sourceColumns; j++)
            {
                destination[(j * sourceRows) + i] += source[(i * sourceColumns) + j];
            }
        }
    }

    private void CheckSizes(int inputLength, int outputLength, int images, int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(images);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        long pixels = (long)height * width;
        if (inputLength < images * InputChannels * pixels || outputLength < images * OutputChannels * pixels)
        {
            throw new ArgumentException(
                $"Buffers of {inputLength} and {outputLength} values are too short for {images} images of "
                + $"{InputChannels} -> {OutputChannels} channels of {height} x {width} pixels.");
        }
    }

    /// <summary>Where one backward pass over some images puts ∂L/∂Kᵀ and ∂L/∂b, with its own im2col
    /// buffers (X̃ and ∂L/∂X̃ of one image), so that several passes can run at once.</summary>
    internal sealed class GradientSink
    {
        public GradientSink(Conv2d owner)
        {
            WeightGradientTransposed = new float[owner.Taps * owner.OutputChannels];
            BiasGradient = new float[owner.OutputChannels];
        }

        public float[] WeightGradientTransposed { get; }

        public float[] BiasGradient { get; }

        public float[] Columns { get; private set; } = [];

        public float[] ColumnGradient { get; private set; } = [];

        public void EnsureColumns(int length)
        {
            if (Columns.Length != length)
            {
                Columns = new float[length];
                ColumnGradient = new float[length];
            }
        }
    }
}
