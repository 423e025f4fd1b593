using CouplingFlows.Nn;
using CouplingFlows.Numerics;
using CouplingFlows.Transforms;
using FsCheck;
using FsCheck.Fluent;

namespace CouplingFlows.Tests.Support;

/// <summary>A randomly drawn transform: its family, size, mask, conditioner and parameter scale.</summary>
/// <remarks>Sizes stay small (D ≤ 8, B ≤ 12, hidden ≤ 24) so a property of 60 cases runs in well under a
/// second; parameter noise up to σ = 1 pushes couplings far from the identity.</remarks>
public sealed record TransformShape(
    string Family,
    int Features,
    int Rows,
    string Mask,
    int Hidden,
    int Depth,
    Activation Activation,
    float ParameterScale,
    float InputScale,
    int ContextFeatures,
    int Seed)
{
    public static readonly string[] Families = ["affine", "additive", "permutation", "scaling", "logit", "stack"];

    /// <summary>The generator FsCheck draws shapes from (shrinking towards small sizes and early choices).</summary>
    public static Arbitrary<TransformShape> Arbitrary() =>
        (from family in Gen.Elements(Families)
         from features in Gen.Choose(2, 8)
         from rows in Gen.Choose(1, 12)
         from mask in Gen.Elements("alternating-even", "alternating-odd", "half-first", "half-last", "random")
         from hidden in Gen.Choose(1, 24)
         from depth in Gen.Choose(0, 2)
         from activation in Gen.Elements(Activation.Relu, Activation.Tanh, Activation.Elu)
         from parameterScale in Gen.Elements(0f, 0.1f, 0.5f, 1f)
         from inputScale in Gen.Elements(0.1f, 1f, 4f)
         from context in Gen.Elements(0, 0, 1, 3)
         from seed in Gen.Choose(0, 1_000_000)
         select new TransformShape(
             family, features, rows, mask, hidden, depth, activation, parameterScale, inputScale,
             family is "affine" or "additive" ? context : 0, seed)).ToArbitrary();

    public bool TakesUnitInterval => Family == "logit";

    public ITransform Build(RandomSource random) => Family switch
    {
        "affine" or "additive" => Coupling(Family, BuildMask(random), ContextFeatures, random),
        "permutation" => Permutation.Random(Features, random),
        "scaling" => Scaling(random),
        "logit" => new Logit(Features),
        _ => new CompositeTransform(
        [
            Coupling("affine", BuildMask(random), 0, random),
            Permutation.Random(Features, random),
            Coupling("additive", BuildMask(random).Complement(), 0, random),
            Scaling(random),
        ]),
    };

    public Tensor Input(RandomSource random, int rows)
    {
        var x = new Tensor(rows, Features);
        if (TakesUnitInterval)
        {
            random.FillUniform(x.Data, 0.02f, 0.98f);
        }
        else
        {
            random.FillGaussian(x.Data, InputScale);
        }

        return x;
    }

    public Tensor? Context(RandomSource random, int rows)
    {
        if (ContextFeatures == 0)
        {
            return null;
        }

        var context = new Tensor(rows, ContextFeatures);
        random.FillGaussian(context.Data);
        return context;
    }

    private CouplingMask BuildMask(RandomSource random) => Mask switch
    {
        "alternating-even" => CouplingMask.Alternating(Features, keepEven: true),
        "alternating-odd" => CouplingMask.Alternating(Features, keepEven: false),
        "half-first" => CouplingMask.HalfSplit(Features, keepFirst: true),
        "half-last" => CouplingMask.HalfSplit(Features, keepFirst: false),
        _ => CouplingMask.Random(Features, random),
    };

    private CouplingTransform Coupling(string family, CouplingMask mask, int context, RandomSource random)
    {
        int kept = mask.IdentityIndices.Count + context;
        int changed = mask.TransformedIndices.Count;
        var options = new MlpOptions(Hidden, Depth, Activation);
        CouplingTransform coupling = family == "affine"
            ? new AffineCoupling(mask, new Mlp("c", kept, 2 * changed, options, random), contextFeatures: context)
            : new AdditiveCoupling(mask, new Mlp("c", kept, changed, options, random), context);
        Perturb(coupling.Parameters, random);

        return coupling;
    }

    private ElementwiseAffine Scaling(RandomSource random)
    {
        var layer = new ElementwiseAffine("s", Features, trainable: true);
        random.FillGaussian(layer.LogScale, ParameterScale);
        random.FillGaussian(layer.Shift, ParameterScale);
        return layer;
    }

    private void Perturb(IReadOnlyList<Parameter> parameters, RandomSource random)
    {
        foreach (Parameter parameter in parameters)
        {
            float[] values = parameter.Value.Data;
            for (int i = 0; i < values.Length; i++)
            {
                values[i] += (float)random.NextGaussian() * ParameterScale;
            }
        }
    }
}
