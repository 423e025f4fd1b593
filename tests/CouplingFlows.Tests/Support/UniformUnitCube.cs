using CouplingFlows.Distributions;
using CouplingFlows.Numerics;

namespace CouplingFlows.Tests.Support;

/// <summary>The uniform density on [0, 1]^D (log p = 0 inside), a reference model for bits/dim checks.</summary>
public sealed class UniformUnitCube(int features) : IBaseDistribution
{
    public int Features => features;

    public float[] LogProb(Tensor z)
    {
        float[] result = new float[z.Rows];
        for (int i = 0; i < z.Rows; i++)
        {
            foreach (float v in z.Row(i))
            {
                if (v is < 0f or > 1f)
                {
                    result[i] = float.NegativeInfinity;
                }
            }
        }

        return result;
    }

    public void NegativeLogProbGradient(Tensor z, float weight, Tensor gradient) => Array.Clear(gradient.Data);

    public Tensor Sample(int count, RandomSource random, float temperature = 1f)
    {
        var z = new Tensor(count, features);
        random.FillUniform(z.Data, 0f, 1f);
        return z;
    }
}
