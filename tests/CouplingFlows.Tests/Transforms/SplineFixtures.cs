using CouplingFlows.Numerics;
using CouplingFlows.Transforms.Splines;

namespace CouplingFlows.Tests.Transforms;

/// <summary>The splines of issue 3 and helpers shared by the spline tests.</summary>
internal static class SplineFixtures
{
    /// <summary>Spline S: B = 3, K = 3.</summary>
    public static readonly float[] KnotX = [-3f, -1f, 0.5f, 3f];

    public static readonly float[] KnotY = [-3f, -2f, 1f, 3f];

    public static readonly float[] Derivatives = [1f, 0.5f, 2f, 1f];

    public static readonly SplineOptions Options = new(binCount: 3, tailBound: 3f);

    public static RationalQuadraticSpline SplineS() => new(KnotX, KnotY, Derivatives);

    /// <summary>Raw values that give spline S under <see cref="Options"/>: inverts the softmax with
    /// minimum and the shifted softplus in double.</summary>
    public static float[] RawForSplineS()
    {
        SplineOptions o = Options;
        int k = o.BinCount;
        float[] raw = new float[o.ParametersPerFeature];
        for (int i = 0; i < k; i++)
        {
            raw[i] = InverseShare((KnotX[i + 1] - KnotX[i]) / (2.0 * o.TailBound), o.MinBinWidth, k);
            raw[k + i] = InverseShare((KnotY[i + 1] - KnotY[i]) / (2.0 * o.TailBound), o.MinBinHeight, k);
        }

        for (int j = 1; j < k; j++)
        {
            double softplus = (Derivatives[j] - o.MinDerivative) * Math.Log(2.0) / (1.0 - o.MinDerivative);
            raw[(2 * k) + j - 1] = (float)Math.Log(Math.Exp(softplus) - 1.0);
        }

        return raw;
    }

    /// <summary>Raw values drawn from N(0, scale²).</summary>
    public static float[] RandomRaw(SplineOptions options, RandomSource random, float scale)
    {
        float[] raw = new float[options.ParametersPerFeature];
        random.FillGaussian(raw, scale);

        return raw;
    }

    /// <summary>Values evenly spread over [low, high] plus the given extra points, sorted.</summary>
    public static float[] Sweep(float low, float high, int count, IEnumerable<float> extra)
    {
        var values = new List<float>(count + 16);
        for (int i = 0; i < count; i++)
        {
            values.Add(low + ((high - low) * i / (count - 1)));
        }

        values.AddRange(extra);
        values.Sort();

        return [.. values];
    }

    private static float InverseShare(double fraction, float minimum, int binCount) =>
        (float)Math.Log((fraction - minimum) / (1.0 - (binCount * (double)minimum)));
}
