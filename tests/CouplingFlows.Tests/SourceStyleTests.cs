using System.Text.RegularExpressions;

namespace CouplingFlows.Tests;

/// <summary>Checks that dotnet format cannot make: line width and unowned shortcoming marks.</summary>
public sealed partial class SourceStyleTests
{
    private const int MaxLineWidth = 120;
    private static readonly string[] SourceFolders = ["src", "tests", "bench"];

    [Fact]
    public void SourceFiles_HaveNoLineWiderThan120Columns()
    {
        var wide = new List<string>();
        foreach (string file in SourceFiles())
        {
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                if (lines[i].Length > MaxLineWidth)
                {
                    wide.Add($"{Path.GetRelativePath(RepositoryRoot(), file)}:{i + 1} ({lines[i].Length})");
                }
            }
        }

        Assert.True(wide.Count == 0, "Lines wider than 120 columns:\n" + string.Join("\n", wide));
    }

    [Fact]
    public void SourceFiles_HaveNoShortcomingMarksWithoutAnIssue()
    {
        var marked = new List<string>();
        foreach (string file in SourceFiles())
        {
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                if (UnownedMark().IsMatch(lines[i]))
                {
                    marked.Add($"{Path.GetRelativePath(RepositoryRoot(), file)}:{i + 1}");
                }
            }
        }

        Assert.True(marked.Count == 0, "Marks without an issue number:\n" + string.Join("\n", marked));
    }

    private static IEnumerable<string> SourceFiles()
    {
        string root = RepositoryRoot();
        return SourceFolders
            .Select(folder => Path.Combine(root, folder))
            .Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories))
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}",
                StringComparison.Ordinal)
                && !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}",
                StringComparison.Ordinal));
    }

    private static string RepositoryRoot()
    {
        DirectoryInfo? folder = new(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "CouplingFlows.sln")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException(
            $"No CouplingFlows.sln above {AppContext.BaseDirectory}.");
    }

    // The pattern is split so that this file does not match itself.
    [GeneratedRegex(@"\b(TO" + @"DO(?!\(#\d+\))|FIX" + @"ME|HA" + @"CK|XX" + @"X)\b")]
    private static partial Regex UnownedMark();
}
