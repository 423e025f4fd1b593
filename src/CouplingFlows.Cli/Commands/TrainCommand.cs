using System.CommandLine;
using CouplingFlows.Cli.Progress;
using CouplingFlows.Cli.Running;
using CouplingFlows.Flows;
using CouplingFlows.Nn;

namespace CouplingFlows.Cli.Commands;

/// <summary>coupling-flows train: fit a flow and write a run folder.</summary>
internal static class TrainCommand
{
    public static Command Create(CliContext context)
    {
        var data = new Option<string>("--data")
        {
            Description = "A bundled data set (digits, digits-images, moons, circles, eight-gaussians, checkerboard, "
                + "pinwheel, spirals) or a .csv, .csv.gz, .npy or IDX file (FILE-idx3-ubyte[.gz]). Required "
                + "unless --resume is given.",
        };
        var model = Choice("--model",
            "The flow: realnvp (affine couplings), nice (additive), nsf (splines) or realnvp-image (multi-scale "
            + "convolutional RealNVP for image data).",
            "realnvp", "realnvp", "nice", "nsf", "realnvp-image");
        var layers = Int("--layers", "Number of coupling layers.", 8);
        var hidden = Int("--hidden", "Width of each conditioner's hidden layers.", 256);
        var depth = Int("--depth", "Hidden layers per conditioner.", 2);
        var activation = Choice("--activation", "Conditioner non-linearity.", "relu", "relu", "tanh", "elu");
        var batch = new Option<int?>("--batch")
        {
            Description = "Rows per mini-batch (default 256; 64 for realnvp-image, whose steps cost more).",
        };
        var lr = new Option<float>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => 1e-3f };
        var steps = Int("--steps", "Optimiser steps.", 3000);
        var seed = new Option<long>("--seed")
        {
            Description = "Seed of data split, weights and noise.",
            DefaultValueFactory = _ => 0,
        };
        var output = new Option<string?>("--out")
        {
            Description = "The run folder to write (default: runs/DATA-MODEL, numbered if taken).",
        };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing --out folder." };
        var validation = new Option<double>("--validation")
        {
            Description = "Fraction of the training rows held out for validation and model selection (0 for none).",
            DefaultValueFactory = _ => 0.1,
        };
        var patience = new Option<int?>("--patience")
        {
            Description = "Stop after this many validation passes without improvement (default: run all steps; "
                + "the best validation step is kept either way).",
        };
        var clip = new Option<float?>("--clip") { Description = "Clip the global gradient norm to this value." };
        var zeroInit = new Option<bool>("--zero-init")
        {
            Description = "Start each conditioner's last layer at zero, so the fresh flow is exactly the identity.",
        };
        var bins = Int("--bins", "Spline bins K (nsf).", 8);
        var tailBound = new Option<float>("--tail-bound")
        {
            Description = "Spline interval [-B, B]; identity outside (nsf).",
            DefaultValueFactory = _ => 3f,
        };
        var preprocess = Choice("--preprocess",
            "Data preprocessing: auto (logit for digits and images, standardise CSV and .npy, none for toy sets).",
            "auto", "auto", "none", "standardize", "logit");
        var conditioner = Choice("--conditioner",
            "Conditioner network: mlp, or resnet (residual MLP blocks of --hidden width, --depth blocks).",
            "mlp", "mlp", "resnet");
        var memorySaving = new Option<bool>("--memory-saving")
        {
            Description = "Rebuild each layer's input through its exact inverse during backward instead of caching "
                + "activations: memory stays flat with depth, each step costs about one more pass.",
        };
        var scales = new Option<int?>("--scales")
        {
            Description = "Scales of realnvp-image (default: squeeze while both sides stay even and at least 4; "
                + "2 for 8x8, 3 for 28x28).",
        };
        var channels = Int("--channels", "Width of realnvp-image's convolutional conditioners.", 32);
        var blocks = Int("--blocks", "Residual blocks in each realnvp-image conditioner.", 2);
        var progress = Choice("--progress", "Progress display on stderr.", "auto", "auto", "bar", "lines", "none");
        var checkpointEvery = new Option<int?>("--checkpoint-every")
        {
            Description = "Write RUNDIR/checkpoint.cflowck every N steps (default 500; 0: only when the run stops). "
                + "A checkpoint is also written on Ctrl-C and when the loss diverges.",
        };
        var resume = new Option<string?>("--resume")
        {
            Description = "Continue the interrupted run in this run folder to its planned number of steps, with "
                + "the settings stored in its checkpoint; only --progress and --checkpoint-every may be given too.",
        };
        var command = new Command("train", "Fit a flow by maximum likelihood and write a run folder: model.cflow, "
            + "metrics.json, loss.png and samples.png. Prints the metrics as JSON on stdout.")
        {
            data, model, layers, hidden, depth, activation, batch, lr, steps, seed, output, force, validation,
            patience, clip, zeroInit, bins, tailBound, preprocess, conditioner, memorySaving, scales, channels,
            blocks, progress, checkpointEvery, resume,
        };
        Option[] runDefining =
        [
            data, model, layers, hidden, depth, activation, batch, lr, steps, seed, output, force, validation,
            patience, clip, zeroInit, bins, tailBound, preprocess, conditioner, memorySaving, scales, channels, blocks,
        ];
        command.SetAction(parse =>
        {
            ProgressMode progressMode = ProgressDisplay.Parse(parse.GetValue(progress)!);
            int? every = parse.GetValue(checkpointEvery) is int n ? NonNegative(n, "--checkpoint-every") : null;
            if (parse.GetValue(resume) is string folder)
            {
                RefuseWithResume(parse, runDefining);
                return TrainJob.Resume(folder, every, progressMode, context);
            }

            FlowKind kind = ParseModel(parse.GetValue(model)!);
            var settings = new TrainSettings
            {
                Data = parse.GetValue(data) ?? throw new UsageException(
                    "--data is required: a bundled data set name or a data file (or --resume DIR to continue a run)."),
                Model = kind,
                Layers = Positive(parse.GetValue(layers), "--layers"),
                Hidden = Positive(parse.GetValue(hidden), "--hidden"),
                Depth = NonNegative(parse.GetValue(depth), "--depth"),
                Activation = Enum.Parse<Activation>(parse.GetValue(activation)!, ignoreCase: true),
                Batch = parse.GetValue(batch) is int b
                    ? Positive(b, "--batch")
                    : kind == FlowKind.RealNvpImage ? ImageBatch : 256,
                LearningRate = PositiveFloat(parse.GetValue(lr), "--lr"),
                Steps = Positive(parse.GetValue(steps), "--steps"),
                Seed = parse.GetValue(seed),
                Out = parse.GetValue(output),
                Force = parse.GetValue(force),
                ValidationFraction = Fraction(parse.GetValue(validation), "--validation"),
                Patience = parse.GetValue(patience) is int p ? Positive(p, "--patience") : null,
                ClipNorm = parse.GetValue(clip) is float c ? PositiveFloat(c, "--clip") : null,
                ZeroInit = parse.GetValue(zeroInit),
                Bins = Positive(parse.GetValue(bins), "--bins"),
                TailBound = PositiveFloat(parse.GetValue(tailBound), "--tail-bound"),
                Preprocess = parse.GetValue(preprocess)!,
                CheckpointEvery = every ?? 500,
                MemorySaving = parse.GetValue(memorySaving),
                ResidualConditioner = parse.GetValue(conditioner) == "resnet",
                Scales = parse.GetValue(scales) is int s ? Positive(s, "--scales") : null,
                ConvChannels = Positive(parse.GetValue(channels), "--channels"),
                ResidualBlocks = NonNegative(parse.GetValue(blocks), "--blocks"),
            };
            return TrainJob.Run(settings, progressMode, context);
        });

        return command;
    }

    /// <summary>The default mini-batch of realnvp-image.</summary>
    internal const int ImageBatch = 64;

    /// <summary>A resumed run keeps every setting of its checkpoint, so options that would change it are
    /// refused.</summary>
    private static void RefuseWithResume(ParseResult parse, Option[] runDefining)
    {
        string[] given = [.. runDefining.Where(o => parse.GetResult(o) is { Implicit: false }).Select(o => o.Name)];
        if (given.Length > 0)
        {
            throw new UsageException(
                $"--resume continues a run with the settings stored in its checkpoint, so {string.Join(", ", given)} "
                + "cannot be given with it; only --progress and --checkpoint-every can. Start a new run (--out) "
                + "to change settings.");
        }
    }

    internal static Option<int> Int(string name, string description, int defaultValue) =>
        new(name) { Description = description, DefaultValueFactory = _ => defaultValue };

    internal static Option<string> Choice(string name, string description, string defaultValue, params string[] values)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.AcceptOnlyFromAmong(values);
        return option;
    }

    internal static int Positive(int value, string option) => value >= 1
        ? value
        : throw new UsageException($"{option} must be at least 1; got {value}.");

    private static int NonNegative(int value, string option) => value >= 0
        ? value
        : throw new UsageException($"{option} must be 0 or more; got {value}.");

    internal static float PositiveFloat(float value, string option) => value > 0f && float.IsFinite(value)
        ? value
        : throw new UsageException($"{option} must be a positive number; got {value}.");

    private static double Fraction(double value, string option) => value is >= 0 and < 1
        ? value
        : throw new UsageException($"{option} must lie in [0, 1); got {value}.");

    private static FlowKind ParseModel(string value) => value switch
    {
        "realnvp" => FlowKind.RealNvp,
        "nice" => FlowKind.Nice,
        "nsf" => FlowKind.Nsf,
        "realnvp-image" => FlowKind.RealNvpImage,
        _ => throw new UsageException(
            $"--model '{value}' is not accepted; use realnvp, nice, nsf or realnvp-image."),
    };

    /// <summary>The --model name of a flow kind.</summary>
    internal static string ModelName(FlowKind kind) => kind switch
    {
        FlowKind.RealNvpImage => "realnvp-image",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
