using CouplingFlows.Numerics;

namespace CouplingFlows.Transforms;

/// <summary>Checks shared by the public entry points of transforms.</summary>
internal static class TransformValidation
{
    /// <summary>Throws unless x has D values per row.</summary>
    public static void CheckFeatures(Tensor x, int features, string parameterName)
    {
        if (x.Rank < 2 || x.RowLength != features)
        {
            int width = x.Rank < 2 ? x.Length : x.RowLength;
            throw new ArgumentException(
                $"{parameterName} has shape {x.ShapeText()} ({width} values per row) but the transform was "
                + $"built for {features} features.",
                parameterName);
        }
    }

    /// <summary>Throws unless the context is present, has one row per sample and the right width.</summary>
    public static void CheckContext(Tensor x, Tensor? context, int contextFeatures)
    {
        if (context is null)
        {
            throw new ArgumentNullException(
                nameof(context), $"This transform needs a context of {contextFeatures} features per row.");
        }

        if (context.Rows != x.Rows)
        {
            throw new ArgumentException(
                $"context has {context.Rows} rows but x has {x.Rows}; pass one context row per sample.",
                nameof(context));
        }

        if (context.RowLength != contextFeatures)
        {
            throw new ArgumentException(
                $"context has {context.RowLength} features per row but the transform was built for "
                + $"{contextFeatures}.",
                nameof(context));
        }
    }
}
