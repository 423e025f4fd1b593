using CouplingFlows.Diagnostics;
using CouplingFlows.Flows;
using CouplingFlows.Numerics;
using CouplingFlows.Tests.Support;
using CouplingFlows.Transforms;

namespace CouplingFlows.Tests.Diagnostics;

public sealed class JacobianAuditTests
{
    /// <summary>Untrained table transforms of D ≤ 5 stay near float32 rounding: well inside 1e-4, a tenth
    /// of the default tolerance.</summary>
    private const double TableTolerance = 1e-4;

    /// <summary>The double twin against its exact forward-mode Jacobian: double rounding only.</summary>
    private const double DoubleTolerance = 1e-9;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Run_EveryTransformOfTheTable_PassesATenthOfTheDefaultTolerance(string name)
    {
        TransformCase entry = TransformCases.Get(name);
        var random = new RandomSource(21);
        ITransform transform = entry.Build(random);
        Tensor x = entry.Input(random, 5, transform.Features);
        var options = new JacobianAuditOptions { Tolerance = TableTolerance };

        JacobianAuditReport report = JacobianAudit.Run(transform, x, entry.Context(random, 5), options);

        Assert.True(report.Passed, $"{name}: worst {report.Worst.Name} at {report.Worst.WorstScaledError:G3}.");
        Assert.True(
            report.Stack.ReferenceLogAbsDet.MaxError <= DoubleTolerance, $"{name}: {report.Stack.ReferenceLogAbsDet}.");
    }

    [Fact]
    public void Run_DigitsShapedFlow_ReportsEveryLayerAndTheStack()
    {
        var spec = new FlowSpec
        {
            Features = 16,
            Layers = 3,
            HiddenFeatures = 8,
            Preprocessing = PreprocessingKind.DequantizeLogit,
            Levels = 17,
        };
        Flow flow = FlowBuilder.Build(spec, new RandomSource(3));
        var x = new Tensor(4, 16);
        new RandomSource(4).FillUniform(x.Data, 0f, 17f);

        JacobianAuditReport report = JacobianAudit.Run(flow.Transform, x);

        Assert.Equal(
            ["0:scale", "1:Logit", "2:standardize", "3:coupling0", "4:coupling1", "5:coupling2"],
            report.Layers.Select(l => l.Name));
        Assert.Equal("stack", report.Stack.Name);
        Assert.True(report.Passed, $"worst {report.Worst.Name} at {report.Worst.WorstScaledError:G3}.");
    }

    [Fact]
    public void Run_LayerThatMisreportsItsLogAbsDet_Fails()
    {
        var wrong = new ShiftedLogAbsDet(Permutation.Reverse(4), 0.01f);
        var stack = new CompositeTransform([Permutation.Reverse(4), wrong]);
        var options = new JacobianAuditOptions
        {
            Extension = t => t is ShiftedLogAbsDet shifted ? ReferenceBuilder.Create(shifted.Inner) : null,
        };
        var x = new Tensor(3, 4);
        new RandomSource(5).FillGaussian(x.Data);

        JacobianAuditReport report = JacobianAudit.Run(stack, x, options: options);

        Assert.False(report.Passed);
        Assert.True(report.Layers[0].Passes(report.Tolerance));
        Assert.Equal(0.01, report.Layers[1].LogAbsDet.MaxError, 1e-6);
        Assert.Equal(0.0, report.Layers[1].ReferenceLogAbsDet.MaxError);
        Assert.Same(report.Worst, report.Layers[1]);
    }

    [Fact]
    public void Run_WrongWidth_ThrowsNamingX()
    {
        var error = Assert.Throws<ArgumentException>(
            () => JacobianAudit.Run(Permutation.Reverse(3), new Tensor(2, 4)));

        Assert.Equal("x", error.ParamName);
        Assert.Contains("3 features", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_NonPositiveTolerance_IsRejected()
    {
        var options = new JacobianAuditOptions { Tolerance = 0 };

        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => JacobianAudit.Run(Permutation.Reverse(3), new Tensor(1, 3), options: options));

        Assert.Equal("Tolerance", error.ParamName);
    }

    public static TheoryData<string> Cases() => TransformCases.Names();
}
