namespace CouplingFlows.Numerics;

/// <summary>The (C, H, W) shape of one image in a (B, C, H, W) batch.</summary>
/// <remarks>
/// <para>An image row holds C·H·W values in channel-major order: value (c, i, j) lives at
/// c·H·W + i·W + j of its row, so a (B, C·H·W) tensor and a (B, C, H, W) tensor share one
/// layout.</para>
/// </remarks>
/// <param name="Channels">C, at least 1.</param>
/// <param name="Height">H, at least 1.</param>
/// <param name="Width">W, at least 1.</param>
public readonly record struct ImageShape(int Channels, int Height, int Width)
{
    /// <summary>H·W, the number of pixels of one channel.</summary>
    public int Pixels => Height * Width;

    /// <summary>C·H·W, the number of values of one image.</summary>
    public int Length => Channels * Height * Width;

    /// <summary>Reads a shape from a list (C, H, W) such as <c>FlowSpec.ImageShape</c>.</summary>
    /// <param name="dimensions">Three positive dimensions.</param>
    /// <returns>The shape.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="dimensions"/> is null.</exception>
    /// <exception cref="ArgumentException">There are not three dimensions or one is below 1.</exception>
    public static ImageShape FromList(IReadOnlyList<int> dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        if (dimensions.Count != 3)
        {
            throw new ArgumentException(
                $"An image shape has three dimensions (C, H, W); got {dimensions.Count}.", nameof(dimensions));
        }

        var shape = new ImageShape(dimensions[0], dimensions[1], dimensions[2]);
        shape.Validate(nameof(dimensions));

        return shape;
    }

    /// <summary>Throws unless every dimension is at least 1.</summary>
    /// <param name="parameterName">The parameter named in the message.</param>
    /// <exception cref="ArgumentException">A dimension is below 1.</exception>
    public void Validate(string parameterName)
    {
        if (Channels < 1 || Height < 1 || Width < 1)
        {
            throw new ArgumentException(
                $"Image dimensions must be at least 1; got {this}.", parameterName);
        }
    }

    /// <summary>The shape written as C x H x W, for example "1x28x28".</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{Channels}x{Height}x{Width}";
}
