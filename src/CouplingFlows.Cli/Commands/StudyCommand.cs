using System.CommandLine;
using CouplingFlows.Cli.Studies;

namespace CouplingFlows.Cli.Commands;

/// <summary>coupling-flows study: the analyses of coupling layers, one subcommand each.</summary>
internal static class StudyCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("study",
            "Analyses of coupling layers. Each prints its table on stdout and writes DIR/NAME.csv, DIR/NAME.json and "
            + "DIR/NAME.png (--out DIR, default studies/NAME); progress goes to stderr.");
        command.Subcommands.Add(LogAbsDetCostStudyCommand.Create(context));
        command.Subcommands.Add(VolumeStudyCommand.Create(context));
        command.Subcommands.Add(InitStudyCommand.Create(context));
        command.Subcommands.Add(ReceptiveFieldStudyCommand.Create(context));
        command.Subcommands.Add(BudgetStudyCommand.Create(context));

        return command;
    }

    internal static Option<string?> Out(string name) => new("--out")
    {
        Description = $"Folder for {name}.csv, {name}.json and {name}.png (default: studies/{name}).",
    };

    internal static Option<bool> ZeroInit() => new("--zero-init")
    {
        Description = "Start each conditioner's last layer at zero, so every flow starts as the identity (on by "
            + "default in studies: a Glorot start puts an 8-coupling ReLU stack's initial NLL near 1e9 nats on "
            + "digits, and the step budget then measures recovery, not capacity). --zero-init false keeps Glorot "
            + "throughout.",
        DefaultValueFactory = _ => true,
    };

    internal static Option<long> Seed() => new("--seed")
    {
        Description = "Seed of weights, data and noise.",
        DefaultValueFactory = _ => 0,
    };

    internal static Option<string> List(string name, string description, string defaultValue) => new(name)
    {
        Description = description + " A list like 2,8,32 or a range like 1..8.",
        DefaultValueFactory = _ => defaultValue,
    };
}
