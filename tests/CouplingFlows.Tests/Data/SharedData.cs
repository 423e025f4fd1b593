namespace CouplingFlows.Tests.Data;

/// <summary>Finds the files of the shared data folder that lies beside the repository clone.</summary>
/// <remarks>The layout is REPO/CouplingFlows.sln with the data in REPO/../shared/data, both on the
/// build machine and in CI. A missing file fails the test with the searched path: it never passes
/// silently.</remarks>
internal static class SharedData
{
    public static string PathOf(string fileName)
    {
        string root = RepositoryRoot();
        string path = Path.GetFullPath(Path.Combine(root, "..", "shared", "data", fileName));
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The shared test file {path} is missing. These tests expect the shared data folder at "
                + "<repository>/../shared/data, as on the build machine and in CI.", path);
        }

        return path;
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null;
            directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CouplingFlows.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException(
            $"No CouplingFlows.sln was found above {AppContext.BaseDirectory}; cannot locate the shared data.");
    }
}
