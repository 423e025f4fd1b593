using CouplingFlows.Transforms;

namespace CouplingFlows.Diagnostics;

/// <summary>The double twin of a <see cref="MaskedGridConditioner"/>: x_A scattered onto a zero grid,
/// the network's twin on the grid, θ[p·|B| + j] = out[p·D + t_j] read back.</summary>
internal sealed class ReferenceMaskedGridConditioner : IReferenceConditioner
{
    private readonly int[] _identity;
    private readonly int[] _transformed;
    private readonly int _parametersPerFeature;
    private readonly IReferenceConditioner _network;

    public ReferenceMaskedGridConditioner(MaskedGridConditioner conditioner)
    {
        _identity = [.. conditioner.Mask.IdentityIndices];
        _transformed = [.. conditioner.Mask.TransformedIndices];
        _parametersPerFeature = conditioner.ParametersPerFeature;
        _network = ReferenceBuilder.CreateConditioner(conditioner.Network);
    }

    public int InputFeatures => _identity.Length;

    public int OutputFeatures => _parametersPerFeature * _transformed.Length;

    public void Forward(ReadOnlySpan<Dual> input, Span<Dual> output)
    {
        int features = _identity.Length + _transformed.Length;
        var grid = new Dual[features];
        for (int j = 0; j < _identity.Length; j++)
        {
            grid[_identity[j]] = input[j];
        }

        var wide = new Dual[_network.OutputFeatures];
        _network.Forward(grid, wide);
        for (int p = 0; p < _parametersPerFeature; p++)
        {
            for (int j = 0; j < _transformed.Length; j++)
            {
                output[(p * _transformed.Length) + j] = wide[(p * features) + _transformed[j]];
            }
        }
    }
}
