using CouplingFlows.Nn;
using CouplingFlows.Numerics;

namespace CouplingFlows.Transforms;

/// <summary>
/// The squeeze of RealNVP: every 2×2 block of pixels of a channel becomes one pixel of four
/// channels, (C, H, W) → (4C, H/2, W/2). A reordering, so log|det J| = 0.
/// </summary>
/// <remarks>
/// <para>Ordering: y[4c + 2u + v, i, j] = x[c, 2i + u, 2j + v] for u, v ∈ {0, 1}. The four
/// channels made from input channel c are consecutive, in the order top-left (u = 0, v = 0),
/// top-right, bottom-left, bottom-right. The inverse reads the same equation from right to left.</para>
/// <para>Both H and W must be even. Rows of rank 4, (B, C, H, W), come out as (B, 4C, H/2, W/2) and
/// back; flat rows, (B, C·H·W), stay flat.</para>
/// <para>Dinh, Sohl-Dickstein and Bengio, "Density estimation using Real NVP" (2017), §3.6 and
/// Figure 3, <see href="https://arxiv.org/abs/1605.08803"/>.</para>
/// </remarks>
public sealed class Squeeze : ITransform
{
    private readonly int[] _order;
    private readonly int[] _inverseOrder;
    private Tensor? _output;
    private Tensor? _inputGradient;
    private float[]? _logAbsDet;

    /// <summary>Creates the squeeze of images of the given shape.</summary>
    /// <param name="inputShape">(C, H, W) with H and W even.</param>
    /// <exception cref="ArgumentException">The shape is invalid or H or W is odd.</exception>
    public Squeeze(ImageShape inputShape)
    {
        inputShape.Validate(nameof(inputShape));
        if (inputShape.Height % 2 != 0 || inputShape.Width % 2 != 0)
        {
            throw new ArgumentException(
                $"Squeeze halves the height and width, so both must be even; the image is {inputShape}. "
                + "Leave this scale unsqueezed (it must then be the last one).",
                nameof(inputShape));
        }

        InputShape = inputShape;
        OutputShape = new ImageShape(4 * inputShape.Channels, inputShape.Height / 2, inputShape.Width / 2);
        _order = BuildOrder(inputShape);
        _inverseOrder = new int[_order.Length];
        for (int j = 0; j < _order.Length; j++)
        {
            _inverseOrder[_order[j]] = j;
        }
    }

    /// <summary>(C, H, W) of the input.</summary>
    public ImageShape InputShape { get; }

    /// <summary>(4C, H/2, W/2) of the output.</summary>
    public ImageShape OutputShape { get; }

    /// <inheritdoc/>
    public int Features => InputShape.Length;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => [];

    /// <inheritdoc/>
    public TransformResult Forward(Tensor x, Tensor? context = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        TransformValidation.CheckFeatures(x, Features, nameof(x));
        var y = new Tensor(ShapeOf(x, OutputShape));
        Reorder(x, _order, y);

        return new TransformResult(y, new float[x.Rows]);
    }

    /// <inheritdoc/>
    public TransformResult Inverse(Tensor y, Tensor? context = null)
    {
        ArgumentNullException.ThrowIfNull(y);
        TransformValidation.CheckFeatures(y, Features, nameof(y));
        var x = new Tensor(ShapeOf(y, InputShape));
        Reorder(y, _inverseOrder, x);

        return new TransformResult(x, new float[y.Rows]);
    }

    /// <inheritdoc/>
    public TransformResult ForwardTraining(Tensor x, Tensor? context = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        TransformValidation.CheckFeatures(x, Features, nameof(x));
        Tensor y = Tensor.Ensure(ref _output, ShapeOf(x, OutputShape));
        Reorder(x, _order, y);
        RowBuffer.Ensure(ref _logAbsDet, x.Rows);

        return new TransformResult(y, _logAbsDet);
    }

    /// <inheritdoc/>
    public Tensor Backward(Tensor outputGradient, ReadOnlySpan<float> logAbsDetGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        TransformValidation.CheckFeatures(outputGradient, Features, nameof(outputGradient));
        Tensor dx = Tensor.Ensure(ref _inputGradient, ShapeOf(outputGradient, InputShape));
        Reorder(outputGradient, _inverseOrder, dx);

        return dx;
    }

    /// <summary>order[output index] = input index, within one row.</summary>
    private static int[] BuildOrder(ImageShape shape)
    {
        int outHeight = shape.Height / 2;
        int outWidth = shape.Width / 2;
        int[] order = new int[shape.Length];
        for (int c = 0; c < shape.Channels; c++)
        {
            for (int u = 0; u < 2; u++)
            {
                for (int v = 0; v < 2; v++)
                {
                    int channel = (4 * c) + (2 * u) + v;
                    for (int i = 0; i < outHeight; i++)
                    {
                        for (int j = 0; j < outWidth; j++)
                        {
                            int target = (((channel * outHeight) + i) * outWidth) + j;
                            order[target] = (c * shape.Pixels) + (((2 * i) + u) * shape.Width) + (2 * j) + v;
                        }
                    }
                }
            }
        }

        return order;
    }

    private static int[] ShapeOf(Tensor source, ImageShape image) => source.Rank == 4
        ? [source.Rows, image.Channels, image.Height, image.Width]
        : [source.Rows, image.Length];

    private static void Reorder(Tensor source, int[] order, Tensor destination)
    {
        int width = order.Length;
        for (int i = 0; i < source.Rows; i++)
        {
            ReadOnlySpan<float> row = source.Data.AsSpan(i * width, width);
            Span<float> target = destination.Data.AsSpan(i * width, width);
            for (int j = 0; j < width; j++)
            {
                target[j] = row[order[j]];
            }
        }
    }
}
