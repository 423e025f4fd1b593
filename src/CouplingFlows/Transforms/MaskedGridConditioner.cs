using CouplingFlows.Nn;
using CouplingFlows.Numerics;

namespace CouplingFlows.Transforms;

/// <summary>
/// The conditioner of an image coupling whose mask is not a block of whole channels (a checkerboard):
/// a network reads the full grid with the transformed positions set to zero, and θ is read back at
/// the transformed positions only.
/// </summary>
/// <remarks>
/// <para>Input: x_A, (B, |A|), the identity features in ascending index order, as a coupling gathers
/// them. The network sees g = b ⊙ x, (B, D), where b is 1 on the identity features and 0 on the
/// transformed ones: g_a = x_a for a ∈ A and g_t = 0 for t ∈ B (RealNVP's masked input b ⊙ x,
/// Dinh, Sohl-Dickstein and Bengio, 2017, eq. (9), <see href="https://arxiv.org/abs/1605.08803"/>).</para>
/// <para>The network writes P values for every position, (B, P·D), parameter p of feature t at
/// p·D + t (for an image network, P·C output channels). θ, (B, P·|B|), keeps
/// θ[p·|B| + j] = out[p·D + t_j] for the j-th transformed feature t_j: the layout of
/// <see cref="AffineCoupling"/> and the other couplings.</para>
/// <para>Backward scatters ∂L/∂θ into a zero (B, P·D) gradient, runs the network backward and keeps
/// the identity positions of its input gradient; the zeroed positions are constants.</para>
/// </remarks>
public sealed class MaskedGridConditioner : IConditioner
{
    private readonly int[] _identity;
    private readonly int[] _transformed;
    private readonly int _features;
    private readonly int _parametersPerFeature;
    private Tensor? _grid;
    private Tensor? _theta;
    private Tensor? _networkGradient;
    private Tensor? _inputGradient;

    /// <summary>Wraps a full-grid network for one mask.</summary>
    /// <param name="mask">The coupling's mask over D features.</param>
    /// <param name="network">Reads D values and writes P·D.</param>
    /// <param name="parametersPerFeature">P, at least 1 (2 for an affine coupling).</param>
    /// <exception cref="ArgumentException">The network's widths do not fit the mask.</exception>
    public MaskedGridConditioner(CouplingMask mask, IConditioner network, int parametersPerFeature)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentOutOfRangeException.ThrowIfLessThan(parametersPerFeature, 1);
        if (network.InputFeatures != mask.Features || network.OutputFeatures != parametersPerFeature * mask.Features)
        {
            throw new ArgumentException(
                $"The network reads {network.InputFeatures} and writes {network.OutputFeatures} values; on a mask "
                + $"of {mask.Features} features with {parametersPerFeature} parameters each it must read "
                + $"{mask.Features} and write {parametersPerFeature * mask.Features}.",
                nameof(network));
        }

        _identity = mask.IdentityArray;
        _transformed = mask.TransformedArray;
        _features = mask.Features;
        _parametersPerFeature = parametersPerFeature;
        Mask = mask;
        Network = network;
    }

    /// <summary>The coupling's mask.</summary>
    public CouplingMask Mask { get; }

    /// <summary>P, the number of θ values per transformed feature.</summary>
    public int ParametersPerFeature => _parametersPerFeature;

    /// <summary>The full-grid network.</summary>
    public IConditioner Network { get; }

    /// <inheritdoc/>
    public int InputFeatures => _identity.Length;

    /// <inheritdoc/>
    public int OutputFeatures => _parametersPerFeature * _transformed.Length;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => Network.Parameters;

    /// <inheritdoc/>
    public Tensor Forward(Tensor input)
    {
        CheckInput(input);
        var grid = new Tensor(input.Rows, _features);
        ScatterIdentity(input, grid);
        Tensor output = Network.Forward(grid);
        var theta = new Tensor(input.Rows, OutputFeatures);
        GatherTheta(output, theta);

        return theta;
    }

    /// <inheritdoc/>
    public Tensor ForwardTraining(Tensor input)
    {
        CheckInput(input);
        int rows = input.Rows;
        if (_grid is null || _grid.Rows != rows)
        {
            // Fresh buffers are zero and only the identity positions are ever written.
            _grid = new Tensor(rows, _features);
            _networkGradient = new Tensor(rows, _parametersPerFeature * _features);
        }

        ScatterIdentity(input, _grid);
        Tensor output = Network.ForwardTraining(_grid);
        Tensor theta = Tensor.Ensure(ref _theta, rows, OutputFeatures);
        GatherTheta(output, theta);

        return theta;
    }

    /// <inheritdoc/>
    public Tensor Backward(Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        Tensor networkGradient = _networkGradient ?? throw new InvalidOperationException(
            "Backward was called before ForwardTraining.");
        int rows = outputGradient.Rows;
        int count = _transformed.Length;
        int wide = _parametersPerFeature * _features;
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<float> source = outputGradient.Data.AsSpan(i * OutputFeatures, OutputFeatures);
            Span<float> target = networkGradient.Data.AsSpan(i * wide, wide);
            for (int p = 0; p < _parametersPerFeature; p++)
            {
                for (int j = 0; j < count; j++)
                {
                    target[(p * _features) + _transformed[j]] = source[(p * count) + j];
                }
            }
        }

        Tensor gridGradient = Network.Backward(networkGradient);
        Tensor dx = Tensor.Ensure(ref _inputGradient, rows, InputFeatures);
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<float> source = gridGradient.Data.AsSpan(i * _features, _features);
            Span<float> target = dx.Data.AsSpan(i * InputFeatures, InputFeatures);
            for (int j = 0; j < _identity.Length; j++)
            {
                target[j] = source[_identity[j]];
            }
        }

        return dx;
    }

    private void ScatterIdentity(Tensor input, Tensor grid)
    {
        int kept = _identity.Length;
        for (int i = 0; i < input.Rows; i++)
        {
            ReadOnlySpan<float> source = input.Data.AsSpan(i * kept, kept);
            Span<float> target = grid.Data.AsSpan(i * _features, _features);
            for (int j = 0; j < kept; j++)
            {
                target[_identity[j]] = source[j];
            }
        }
    }

    private void GatherTheta(Tensor output, Tensor theta)
    {
        int count = _transformed.Length;
        int wide = _parametersPerFeature * _features;
        for (int i = 0; i < theta.Rows; i++)
        {
            ReadOnlySpan<float> source = output.Data.AsSpan(i * wide, wide);
            Span<float> target = theta.Data.AsSpan(i * OutputFeatures, OutputFeatures);
            for (int p = 0; p < _parametersPerFeature; p++)
            {
                for (int j = 0; j < count; j++)
                {
                    target[(p * count) + j] = source[(p * _features) + _transformed[j]];
                }
            }
        }
    }

    private void CheckInput(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank < 2 || input.RowLength != InputFeatures)
        {
            throw new ArgumentException(
                $"input has shape {input.ShapeText()} but the mask keeps {InputFeatures} features per row.",
                nameof(input));
        }
    }
}
