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

    /// <summary>The mask with the two blocks swapped.</summary>
    /// <returns>A mask that keeps what this one transforms.</returns>
    public CouplingMask Complement() => new(Features, _transformed);
}
