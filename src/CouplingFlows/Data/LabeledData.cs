using CouplingFlows.Numerics;

namespace CouplingFlows.Data;

/// <summary>Feature rows with one integer class label per row.</summary>
public sealed class LabeledData
{
    /// <summary>Pairs features with labels.</summary>
    /// <param name="features">The features, shape (B, D).</param>
    /// <param name="labels">B class labels, one per row of <paramref name="features"/>.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The label count differs from the row count.</exception>
    public LabeledData(Tensor features, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Length != features.Rows)
        {
            throw new ArgumentException(
                $"labels has {labels.Length} entries but features has {features.Rows} rows; pass one label per row.",
                nameof(labels));
        }

        Features = features;
        Labels = labels;
    }

    /// <summary>The features, shape (B, D).</summary>
    public Tensor Features { get; }

    /// <summary>The B class labels.</summary>
    public int[] Labels { get; }
}
