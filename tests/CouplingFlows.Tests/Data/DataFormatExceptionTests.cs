using CouplingFlows.Data;

using Xunit;

namespace CouplingFlows.Tests.Data;

public class DataFormatExceptionTests
{
    [Fact]
    public void Constructor_FileLineAndColumn_PrefixesTheMessage()
    {
        var fault = new DataFormatException("'abc' is not a number.", "digits.csv", 3, 2);

        Assert.Equal("digits.csv, line 3, column 2: 'abc' is not a number.", fault.Message);
        Assert.Equal(("digits.csv", 3, 2), (fault.FilePath, fault.Row, fault.Column));
        Assert.Equal("'abc' is not a number.", fault.Reason);
    }

    [Fact]
    public void Constructor_FileOnly_LeavesOutLineAndColumn()
    {
        var fault = new DataFormatException("the file is empty.", "x.csv", null, null);

        Assert.Equal("x.csv: the file is empty.", fault.Message);
        Assert.Null(fault.Row);
        Assert.Null(fault.Column);
    }

    [Fact]
    public void Constructor_NoLocation_UsesReasonAsMessage()
    {
        var fault = new DataFormatException("bad data.", null, null, null);

        Assert.Equal("bad data.", fault.Message);
    }

    [Fact]
    public void Constructor_InnerException_IsKept()
    {
        var cause = new InvalidDataException("broken");

        var fault = new DataFormatException("damaged.", "a.gz", null, null, cause);

        Assert.Same(cause, fault.InnerException);
    }
}
