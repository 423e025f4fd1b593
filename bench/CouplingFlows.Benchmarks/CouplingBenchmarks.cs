using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using CouplingFlows.Nn;
using CouplingFlows.Numerics;
using CouplingFlows.Transforms;
using CouplingFlows.Transforms.Splines;

namespace CouplingFlows.Benchmarks;

/// <summary>
/// One coupling layer of the digits configurations (64 features, 2 x 256 ReLU conditioner, batch 256):
/// inference forward, training forward plus backward, and the inverse.
/// </summary>
/// <remarks>
/// Run: <c>dotnet run -c Release --project bench/CouplingFlows.Benchmarks -- --filter *Coupling*</c>.
/// </remarks>
[ShortRunJob(RuntimeMoniker.Net10_0)]
[MemoryDiagnoser]
public class CouplingBenchmarks
{
    private const int Features = 64;
    private const int Batch = 256;
    private CouplingTransform _coupling = null!;
    private Tensor _x = null!;
    private Tensor _y = null!;
    private Tensor _gradient = null!;
    private float[] _logDetGradient = [];

    /// <summary>affine, additive or spline.</summary>
    [Params("affine", "additive", "spline")]
    public string Kind { get; set; } = "affine";

    /// <summary>Builds the layer and a batch of standard normal rows.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new RandomSource(1);
        var mask = CouplingMask.Alternating(Features, keepEven: true);
        int half = Features / 2;
        var options = new MlpOptions(256, 2, Activation.Relu);
        _coupling = Kind switch
        {
            "affine" => new AffineCoupling(mask, new Mlp("c", half, 2 * half, options, random)),
            "additive" => new AdditiveCoupling(mask, new Mlp("c", half, half, options, random)),
            _ => new RationalQuadraticSplineCoupling(
                mask, new Mlp("c", half, half * new SplineOptions().ParametersPerFeature, options, random)),
        };
        _x = new Tensor(Batch, Features);
        random.FillGaussian(_x.Data);
        _y = _coupling.Forward(_x).Output;
        _gradient = new Tensor(Batch, Features);
        random.FillGaussian(_gradient.Data);
        _logDetGradient = Enumerable.Repeat(-1f / Batch, Batch).ToArray();
    }

    /// <summary>Inference forward pass.</summary>
    [Benchmark]
    public TransformResult Forward() => _coupling.Forward(_x);

    /// <summary>Inverse pass.</summary>
    [Benchmark]
    public TransformResult Inverse() => _coupling.Inverse(_y);

    /// <summary>Training forward pass and backward pass.</summary>
    [Benchmark]
    public Tensor ForwardBackward()
    {
        _coupling.ForwardTraining(_x);
        return _coupling.Backward(_gradient, _logDetGradient);
    }
}
