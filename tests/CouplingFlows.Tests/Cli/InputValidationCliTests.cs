using CouplingFlows.Cli;
using CouplingFlows.Numerics;
using CouplingFlows.Tests.Support;

namespace CouplingFlows.Tests.Cli;

/// <summary>Bad data given to train and evaluate: one-line messages naming file, line and column, and
/// exit code 2.</summary>
/// <remarks>Lines count every line of the file, the header included (it is line 1); columns count from 1.</remarks>
public sealed class InputValidationCliTests(TwoFeatureModel model) : IClassFixture<TwoFeatureModel>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cflow-input-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string, string, string> BadCells => new()
    {
        // content, expected location, expected reason fragment
        { "a,b\n1,2\n3,abc\n4,5\n", "line 3, column 2", "'abc' is not a number" },
        { "1,2\n3,abc\n4,5\n", "line 2, column 2", "'abc' is not a number" },
        { "1,2\n4,5\n3,abc\n", "line 3, column 2", "'abc' is not a number" },
        { "a,b\n1,2\n3,\n4,5\n", "line 3, column 2", "empty" },
        { "a,b\n1,2\nNA,4\n4,5\n", "line 3, column 1", "missing value" },
        { "a,b\n1,2\n3,inf\n4,5\n", "line 3, column 2", "not a finite number" },
        { "a,b\n1,2\n3,4,5\n4,5\n", "line 3", "3 cells but the header has 2" },
        { "a,b\n1,2\n3\n4,5\n", "line 3", "1 cells but the header has 2" },
        { "a,b\n1,2\n\"3,4\n", "line 3", "not closed" },
    };

    [Fact]
    public void Train_MissingDataFile_IsBadInputNamingTheFile()
    {
        string missing = Path.Combine(_folder, "absent.csv");

        (int code, _, string error) = CliRunner.Run("train", "--data", missing, "--out", Path.Combine(_folder, "r"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("absent.csv", error, StringComparison.Ordinal);
        Assert.Contains("no such file", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--steps", "abc", "--steps expects a whole number; got 'abc'.")]
    [InlineData("--lr", "fast", "--lr expects a number; got 'fast'.")]
    [InlineData("--batch", "1.5", "--batch expects a whole number; got '1.5'.")]
    public void Train_UnparsableNumber_NamesTheOptionWithoutTypeNames(string option, string value, string expected)
    {
        (int code, _, string error) = CliRunner.Run("train", "--data", "moons", option, value);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", error, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BadCells))]
    public void Train_BadCell_IsRefusedNamingLineAndColumn(string content, string location, string reason)
    {
        string csv = Write("cells.csv", content);
        string run = Path.Combine(_folder, "run");

        (int code, string output, string error) = CliRunner.Run("train", "--data", csv, "--out", run, "--steps", "2");

        AssertBadInput(code, output, error, $"cells.csv, {location}", reason);
        Assert.False(Directory.Exists(run));
    }

    [Theory]
    [MemberData(nameof(BadCells))]
    public void Evaluate_BadCell_IsRefusedNamingLineAndColumn(string content, string location, string reason)
    {
        string csv = Write("cells.csv", content);

        (int code, string output, string error) = CliRunner.Run("evaluate", "--model", model.Run, "--data", csv);

        AssertBadInput(code, output, error, $"cells.csv, {location}", reason);
    }

    [Theory]
    [InlineData("", "holds no data")]
    [InlineData("\n\n  \n", "holds no data")]
    [InlineData("a,b\n", "header but no data rows")]
    public void TrainAndEvaluate_FileWithoutDataRows_AreRefused(string content, string reason)
    {
        string csv = Write("empty.csv", content);

        (int trainCode, string trainOutput, string trainError) = CliRunner.Run(
            "train", "--data", csv, "--steps", "2", "--out", Path.Combine(_folder, "run"));
        (int evaluateCode, string evaluateOutput, string evaluateError) = CliRunner.Run(
            "evaluate", "--model", model.Run, "--data", csv);

        AssertBadInput(trainCode, trainOutput, trainError, "empty.csv", reason);
        AssertBadInput(evaluateCode, evaluateOutput, evaluateError, "empty.csv", reason);
    }

    [Fact]
    public void Evaluate_ColumnCountOtherThanTheModels_IsRefusedNamingBothCounts()
    {
        string csv = Write("three.csv", "a,b,c\n1,2,3\n");

        (int code, string output, string error) = CliRunner.Run("evaluate", "--model", model.Run, "--data", csv);

        AssertBadInput(code, output, error, "three.csv has 3 columns", "built for 2 features");
    }

    [Fact]
    public void Evaluate_OneRow_WritesOneScore()
    {
        string csv = Write("one.csv", "x,y\n0.5,0.1\n");

        (int code, string output, string error) = CliRunner.Run("evaluate", "--model", model.Run, "--data", csv);

        Assert.True(code == ExitCodes.Ok, error);
        string[] lines = output.Trim().Split('\n');
        Assert.Equal("log_prob", lines[0].Trim());
        Assert.Equal(2, lines.Length);
        Assert.True(float.IsFinite(float.Parse(lines[1], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Train_ConstantColumn_IsRefusedNamingTheColumn()
    {
        string csv = Write("constant.csv", "a,b\n" + string.Concat(Enumerable.Range(0, 30).Select(i => $"{i},7\n")));

        (int code, string output, string error) = CliRunner.Run(
            "train", "--data", csv, "--steps", "2", "--out", Path.Combine(_folder, "run"));

        AssertBadInput(code, output, error, "constant.csv", "Column 2 is constant");
    }

    [Fact]
    public void Train_TwoRows_IsRefusedNamingTheMinimum()
    {
        string csv = Write("two.csv", "a,b\n1,2\n3,5\n");

        (int code, string output, string error) = CliRunner.Run(
            "train", "--data", csv, "--steps", "2", "--out", Path.Combine(_folder, "run"));

        AssertBadInput(code, output, error, "two.csv has 2 data row(s)", "at least 3");
    }

    [Fact]
    public void Train_BatchOfOne_Trains()
    {
        string csv = Write("small.csv", "a,b\n1,2\n3,5\n2,9\n7,1\n4,4\n");
        string run = Path.Combine(_folder, "batch1");

        (int code, _, string error) = CliRunner.Run(
            "train", "--data", csv, "--batch", "1", "--layers", "1", "--hidden", "4", "--steps", "4", "--out", run,
            "--progress", "none");

        Assert.True(code == ExitCodes.Ok, error);
        Assert.True(File.Exists(Path.Combine(run, "model.cflow")));
    }

    [Fact]
    public void Evaluate_RandomlyDamagedCsv_ScoresItOrRefusesItWithExitCode2()
    {
        byte[] original = System.Text.Encoding.UTF8.GetBytes("x,y\n0.1,0.2\n-1.5,0.25\n2,3e-1\n0.5,-0.75\n");
        var random = new RandomSource(21);

        for (int i = 0; i < 40; i++)
        {
            (byte[] bytes, string damage) = FileDamage.Apply(original, random);
            string csv = Path.Combine(_folder, $"damaged{i}.csv");
            File.WriteAllBytes(csv, bytes);

            (int code, string output, string error) = CliRunner.Run("evaluate", "--model", model.Run, "--data", csv);

            Assert.True(code is ExitCodes.Ok or ExitCodes.BadInput, $"case {i} ({damage}): exit {code}: {error}");
            if (code == ExitCodes.BadInput)
            {
                AssertBadInput(code, output, error, $"damaged{i}.csv", string.Empty);
            }
        }
    }

    private static void AssertBadInput(int code, string output, string error, string subject, string reason)
    {
        Assert.True(code == ExitCodes.BadInput, $"exit code {code}: {error}");
        Assert.Equal(string.Empty, output);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains(subject, error, StringComparison.Ordinal);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    private string Write(string name, string content)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllText(path, content);
        return path;
    }
}
