using CouplingFlows.Flows;
using CouplingFlows.Serialization;

namespace CouplingFlows.Cli.Running;

/// <summary>Loads the model named by --model: a model file or a run folder holding one.</summary>
internal static class ModelLoader
{
    public static Flow Load(string path)
    {
        string file = Directory.Exists(path) ? Path.Combine(path, RunFolder.ModelFileName) : path;
        if (!File.Exists(file))
        {
            throw new FileNotFoundException(
                Directory.Exists(path)
                    ? $"--model '{path}' is a folder without {RunFolder.ModelFileName}."
                    : $"--model '{path}': no such model file.",
                file);
        }

        return ModelFile.Load(file);
    }
}
