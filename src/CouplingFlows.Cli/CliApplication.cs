using System.CommandLine;
using CouplingFlows.Cli.Commands;
using CouplingFlows.Serialization;

namespace CouplingFlows.Cli;

/// <summary>Builds the command tree and maps failures to one-line messages and exit codes.</summary>
public static class CliApplication
{
    /// <summary>The option that asks for stack traces on errors; every command has it.</summary>
    internal static readonly Option<bool> VerboseOption = new("--verbose")
    {
        Description = "Print the full exception (stack trace) when a command fails.",
        Recursive = true,
    };

    /// <summary>Parses and runs the command line in-process.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="context">Writers, cancellation and terminal facts.</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, CliContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        RootCommand root = BuildRoot(context);
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (System.CommandLine.Parsing.ParseError error in parsed.Errors)
            {
                context.Error.WriteLine($"error: {ParseErrorText.Describe(error.Message)}");
            }

            context.Error.WriteLine("Run 'coupling-flows --help' (or COMMAND --help) for the accepted options.");
            return ExitCodes.Usage;
        }

        var invocation = new InvocationConfiguration
        {
            Output = context.Output,
            Error = context.Error,
            EnableDefaultExceptionHandler = false,
        };
        try
        {
            return parsed.Invoke(invocation);
        }
        catch (Exception error)
        {
            return Report(error, context, parsed.GetValue(VerboseOption));
        }
    }

    private static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand(
            "coupling-flows: fit, sample and evaluate normalizing flows built from coupling layers "
            + "(RealNVP, NICE, neural spline flows).");
        root.Options.Add(VerboseOption);
        root.Subcommands.Add(TrainCommand.Create(context));
        root.Subcommands.Add(SampleCommand.Create(context));
        root.Subcommands.Add(EvaluateCommand.Create(context));
        root.Subcommands.Add(CheckCommand.Create(context));
        root.Subcommands.Add(StudyCommand.Create(context));
        root.Subcommands.Add(BenchCommand.Create(context));

        return root;
    }

    private static int Report(Exception error, CliContext context, bool verbose)
    {
        int code = error switch
        {
            OperationCanceledException => ExitCodes.Cancelled,
            UsageException => ExitCodes.Usage,
            ModelFileException or CouplingFlows.Data.DataFormatException or FileNotFoundException
                or DirectoryNotFoundException or InvalidDataException => ExitCodes.BadInput,
            ArgumentException or IOException or UnauthorizedAccessException => ExitCodes.BadInput,
            TrainingFailedException => ExitCodes.Failed,
            _ => ExitCodes.Failed,
        };
        context.Error.WriteLine(code == ExitCodes.Cancelled ? "Cancelled." : $"error: {OneLine(error)}");
        if (verbose)
        {
            context.Error.WriteLine(error.ToString());
        }

        return code;
    }

    /// <summary>The message on one line: without .NET's "(Parameter 'x')" and "Actual value was" tails, and
    /// with control characters from file content shown as \u escapes so they cannot drive the terminal.</summary>
    internal static string OneLine(Exception error)
    {
        string message = error is ArgumentException argument && argument.ParamName is string name
            ? argument.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal)
            : error.Message;
        message = message.Split('\n')[0].TrimEnd('\r');
        var text = new System.Text.StringBuilder(message.Length);
        foreach (char c in message)
        {
            if (char.IsControl(c))
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }
}
