using CouplingFlows.Numerics;

namespace CouplingFlows.Transforms;

/// <summary>
/// Splits D features into the identity block A (kept, read by the conditioner) and the
/// transformed block B.
/// </summary>
/// <remarks>
/// The split is by index, never by a raw boolean array, so there is no polarity to get wrong:
/// <see cref="IdentityIndices"/> lists the kept features, <see cref="TransformedIndices"/> the
/// changed ones, both ascending. Both blocks must be non-empty.
/// </remarks>
public sealed class CouplingMask
{
    private readonly int[] _identity;
    private readonly int[] _transformed;

    private CouplingMask(int features, int[] identity)
    {
        if (features < 2)
        {
            throw new ArgumentOutOfRangeException(
                nameof(features), features,
                $"A coupling needs at least 2 features to split; got {features}. With one feature there "
                + "is nothing to condition on: use an element-wise transform instead.");
        }

        Features = features;
        var kept = new bool[features];
        foreach (int index in identity)
        {
            if (index < 0 || index >= features)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(identity), index, $"Feature index {index} is outside [0, {features}).");
            }

            kept[index] = true;
        }

        _identity = [.. Enumerable.Range(0, features).Where(i => kept[i])];
        _transformed = [.. Enumerable.Range(0, features).Where(i => !kept[i])];
        if (_identity.Length == 0 || _transformed.Length == 0)
        {
            throw new ArgumentException(
                $"The mask keeps {_identity.Length} and transforms {_transformed.Length} of the {features} "
                + "features; both blocks need at least one feature.", nameof(identity));
        }
    }

    /// <summary>D, the number of features.</summary>
    public int Features { get; }

    /// <summary>The kept features (block A), ascending.</summary>
    public IReadOnlyList<int> IdentityIndices => _identity;

    /// <summary>The transformed features (block B), ascending.</summary>
    public IReadOnlyList<int> TransformedIndices => _transformed;

    internal int[] IdentityArray => _identity;

    internal int[] TransformedArray => _transformed;

    /// <summary>Keeps the features of one parity: even indices when <paramref name="keepEven"/>.</summary>
    /// <param name="features">D, at least 2; odd D gives blocks of ⌈D/2⌉ and ⌊D/2⌋.</param>
    /// <param name="keepEven">True keeps 0, 2, 4, …; false keeps 1, 3, 5, ….</param>
    /// <returns>The mask.</returns>
    public static CouplingMask Alternating(int features, bool keepEven) =>
        new(features, [.. Enumerable.Range(0, features).Where(i => (i % 2 == 0) == keepEven)]);

    /// <summary>Keeps the first ⌈D/2⌉ features, or the last ⌊D/2⌋ when <paramref name="keepFirst"/> is false.</summary>
    /// <param name="features">D, at least 2.</param>
    /// <param name="keepFirst">Which half is kept.</param>
    /// <returns>The mask.</returns>
    public static CouplingMask HalfSplit(int features, bool keepFirst)
    {
        int half = (features + 1) / 2;
        return keepFirst
            ? new(features, [.. Enumerable.Range(0, half)])
            : new(features, [.. Enumerable.Range(half, Math.Max(0, features - half))]);
    }

    /// <summary>Keeps a random ⌈D/2⌉ of the features.</summary>
    /// <param name="features">D, at least 2.</param>
    /// <param name="random">The random source.</param>
    /// <returns>The mask.</returns>
    public static CouplingMask Random(int features, RandomSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 2);
        return new(features, [.. random.Permutation(features).Take((features + 1) / 2)]);
    }

    /// <summary>Keeps exactly the listed features.</summary>
    /// <param name="features">D, at least 2.</param>
    /// <param name="identityIndices">The kept features; every other one is transformed.</param>
    /// <returns>The mask.</returns>
    public static CouplingMask FromIdentityIndices(int features, IEnumerable<int> identityIndices)
    {
        ArgumentNullException.ThrowIfNull(identityIndices);
        return new(features, [.. identityIndices]);
    }

    /// <summary>The checkerboard mask of an image: keeps pixel (i, j) of every channel when i + j has
    /// the chosen parity.</summary>
    /// <remarks>
    /// <para>Feature c·H·W + i·W + j is kept when (i + j) mod 2 = 0 and <paramref name="keepEven"/>, or
    /// (i + j) mod 2 = 1 and not. For a 3×3 single-channel image and keepEven the kept pattern is
    /// [[1,0,1],[0,1,0],[1,0,1]] (1 = kept). Odd H or W is allowed; the blocks then differ by at most
    /// C features. Dinh, Sohl-Dickstein and Bengio (2017), §3.4 and Figure 3,
    /// <see href="https://arxiv.org/abs/1605.08803"/>.</para>
    /// </remarks>
    /// <param name="shape">(C, H, W) of one image; C·H·W ≥ 2.</param>
    /// <param name="keepEven">True keeps the pixels with i + j even (the top-left one included).</param>
    /// <returns>The mask over C·H·W features.</returns>
    /// <exception cref="ArgumentException">The shape is invalid or has a single pixel.</exception>
    public static CouplingMask Checkerboard(ImageShape shape, bool keepEven)
    {
        shape.Validate(nameof(shape));
        int parity = keepEven ? 0 : 1;
        var kept = new List<int>(((shape.Length + 1) / 2) + shape.Channels);
        for (int c = 0; c < shape.Channels; c++)
        {
            for (int i = 0; i < shape.Height; i++)
            {
                for (int j = 0; j < shape.Width; j++)
                {
                    if ((i + j) % 2 == parity)
                    {
                        kept.Add((c * shape.Pixels) + (i * shape.Width) + j);
                    }
                }
            }
        }

        return new(shape.Length, [.. kept]);
    }

    /// <summary>The channel-wise mask of an image: keeps the first ⌈C/2⌉ channels, or the last ⌊C/2⌋
    /// when <paramref name="keepFirst"/> is false.</summary>
    /// <remarks>Both blocks are whole channels stored contiguously, so the kept block of a row is itself
    /// an image of ⌈C/2⌉ (or ⌊C/2⌋) channels in the same layout. Dinh, Sohl-Dickstein and Bengio (2017),
    /// §3.4, <see href="https://arxiv.org/abs/1605.08803"/>.</remarks>
    /// <param name="shape">(C, H, W) of one image; C ≥ 2.</param>
    /// <param name="keepFirst">Which half of the channels is kept.</param>
    /// <returns>The mask over C·H·W features.</returns>
    /// <exception cref="ArgumentException">The shape is invalid or has a single channel.</exception>
    public static CouplingMask ChannelWise(ImageShape shape, bool keepFirst)
    {
        shape.Validate(nameof(shape));
        if (shape.Channels < 2)
        {
            throw new ArgumentException(
                $"A channel-wise mask needs at least 2 channels; the image is {shape}. Use a checkerboard "
                + "mask, or squeeze the image first.",
                nameof(shape));
        }

        int firstHalf = ((shape.Channels + 1) / 2) * shape.Pixels;
        return keepFirst
            ? new(shape.Length, [.. Enumerable.Range(0, firstHalf)])
            : new(shape.Length, [.. Enumerable.Range(firstHalf, shape.Length - firstHalf)]);
    }

    /// <summary>The mask with the two blocks swapped.</summary>
    /// <returns>A mask that keeps what this one transforms.</returns>
    public CouplingMask Complement() => new(Features, _transformed);
}
