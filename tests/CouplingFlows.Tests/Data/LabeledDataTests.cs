using CouplingFlows.Data;
using CouplingFlows.Numerics;

using Xunit;

namespace CouplingFlows.Tests.Data;

public class LabeledDataTests
{
    [Fact]
    public void Constructor_LabelCountDiffersFromRows_ThrowsNamingBothCounts()
    {
        var features = new Tensor(3, 2);

        ArgumentException fault = Assert.Throws<ArgumentException>(() => new LabeledData(features, [1, 2]));

        Assert.Equal("labels", fault.ParamName);
        Assert.Contains("labels has 2 entries but features has 3 rows", fault.Message, StringComparison.Ordinal);
    }
}
