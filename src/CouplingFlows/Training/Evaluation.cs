using CouplingFlows.Flows;
using CouplingFlows.Numerics;

namespace CouplingFlows.Training;

/// <summary>Batched log-density evaluation of a data set.</summary>
public static class Evaluation
{
    /// <summary>Rows per batch when a large set is scored, to bound memory.</summary>
    public const int ChunkRows = 2048;

    /// <summary>log p(x) of every row, computed in chunks.</summary>
    /// <param name="flow">The flow.</param>
    /// <param name="data">(N, D).</param>
    /// <returns>Length N, in nats.</returns>
    public static float[] LogProb(Flow flow, Tensor data)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(data);
        int rows = data.Rows;
        int width = data.RowLength;
        float[] result = new float[rows];
        for (int start = 0; start < rows; start += ChunkRows)
        {
            int count = Math.Min(ChunkRows, rows - start);
            var chunk = new Tensor(data.Data.AsSpan(start * width, count * width).ToArray(), count, width);
            flow.LogProb(chunk).CopyTo(result, start);
        }

        return result;
    }

    /// <summary>The mean negative log-likelihood −(1/N) Σ log p(xᵢ) in nats, accumulated in double.</summary>
    /// <param name="flow">The flow.</param>
    /// <param name="data">(N, D), N ≥ 1.</param>
    /// <returns>The mean NLL.</returns>
    public static double MeanNll(Flow flow, Tensor data)
    {
        float[] logProb = LogProb(flow, data);
        double sum = 0;
        foreach (float value in logProb)
        {
            sum -= value;
        }

        return sum / Math.Max(1, logProb.Length);
    }

    /// <summary>Converts a mean NLL in nats per sample to bits per dimension: nll / (D ln 2).</summary>
    /// <param name="nllNats">Mean NLL in nats per sample.</param>
    /// <param name="dimensions">D.</param>
    /// <returns>Bits per dimension.</returns>
    public static double BitsPerDimension(double nllNats, int dimensions) => nllNats / (dimensions * Math.Log(2));

    /// <summary>A copy of the data with U[0, 1) noise added to every value (uniform dequantisation).</summary>
    /// <param name="data">Discrete values.</param>
    /// <param name="random">The random source for the noise.</param>
    /// <returns>A new tensor.</returns>
    public static Tensor Dequantize(Tensor data, RandomSource random)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(random);
        Tensor result = data.Clone();
        float[] values = result.Data;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] += random.NextSingle();
        }

        return result;
    }

    /// <summary>max |f⁻¹(f(x)) − x| over every value of the data, computed in chunks.</summary>
    /// <param name="flow">The flow.</param>
    /// <param name="data">(N, D).</param>
    /// <returns>The largest absolute round-trip error.</returns>
    public static double MaxInverseError(Flow flow, Tensor data)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(data);
        int rows = data.Rows;
        int width = data.RowLength;
        double worst = 0;
        for (int start = 0; start < rows; start += ChunkRows)
        {
            int count = Math.Min(ChunkRows, rows - start);
            var chunk = new Tensor(data.Data.AsSpan(start * width, count * width).ToArray(), count, width);
            Tensor latent = flow.Transform.Forward(chunk).Output;
            Tensor back = flow.Transform.Inverse(latent).Output;
            for (int i = 0; i < chunk.Length; i++)
            {
                double error = Math.Abs((double)back.Data[i] - chunk.Data[i]);
                worst = double.IsNaN(error) ? double.NaN : Math.Max(worst, error);
            }
        }

        return worst;
    }
}
