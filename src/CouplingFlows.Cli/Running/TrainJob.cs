using System.Globalization;
using CouplingFlows.Cli.Plots;
using CouplingFlows.Cli.Progress;
using CouplingFlows.Data;
using CouplingFlows.Flows;
using CouplingFlows.Numerics;
using CouplingFlows.Serialization;
using CouplingFlows.Training;

namespace CouplingFlows.Cli.Running;

/// <summary>The main job: load data, build a flow, fit it, measure it and write the run folder.</summary>
internal static class TrainJob
{
    public static int Run(TrainSettings settings, ProgressMode progressMode, CliContext context)
    {
        DataSet data = DataSources.Load(settings.Data, settings.Seed);
        string modelName = ModelName(settings);
        FlowSpec spec = BuildSpec(settings, data);
        RunFolder folder = RunFolder.Plan(settings.Out, $"{data.Name}-{modelName}", settings.Force);
        (Tensor train, Tensor? validation) = SplitValidation(data.Train, settings);
        Flow flow = FlowBuilder.Build(spec, new RandomSource(settings.Seed));
        FitStandardization(flow, train, data, settings.Seed);
        folder.Create();
        context.Error.WriteLine(
            $"Training {modelName} on {data.Name}: {train.Rows} train / {validation?.Rows ?? 0} validation / "
            + $"{data.Test.Rows} test rows, {data.Features} features, {flow.TrainableParameterCount:N0} parameters, "
            + $"{settings.Steps} steps. Losses are mean NLL in nats per sample.");
        var options = new TrainerOptions
        {
            Steps = settings.Steps,
            BatchSize = settings.Batch,
            LearningRate = settings.LearningRate,
            Seed = settings.Seed,
            GradientClipNorm = settings.ClipNorm,
            EarlyStoppingPatience = settings.Patience,
            Dequantize = data.Levels is not null,
            MemorySaving = settings.MemorySaving,
            ValidationInterval = Math.Max(1, Math.Min(100, settings.Steps / 10)),
        };
        TrainSettings stored = settings with
        {
            Data = DataSources.StoredName(settings.Data),
            Out = null,
            Force = false,
        };
        Trainer trainer = CheckpointingTrainer(folder, stored, settings.CheckpointEvery);
        TrainingResult result = ProgressDisplay.Run(
            progressMode, context,
            progress => trainer.Fit(flow, train, validation, options, progress, context.Cancellation));

        return Finish(new FinishedRun(flow, data, train, validation, settings, result, folder), context);
    }

    /// <summary>Continues the run of a folder from its checkpoint, with the settings stored there.</summary>
    public static int Resume(string path, int? checkpointEvery, ProgressMode progressMode, CliContext context)
    {
        RunFolder folder = RunFolder.Existing(path);
        TrainingCheckpoint checkpoint = CheckpointFile.Load(folder.Checkpoint);
        TrainSettings settings = TrainSettings.FromJson(checkpoint.ApplicationData, folder.Checkpoint);
        if (!checkpoint.CanResume)
        {
            return ReportEnded(checkpoint, folder, context);
        }

        if (!DataSources.BundledNames.Contains(settings.Data, StringComparer.OrdinalIgnoreCase)
            && !File.Exists(settings.Data))
        {
            throw new FileNotFoundException(
                $"--resume '{path}': the run's data file {settings.Data} no longer exists; put it back to continue.",
                settings.Data);
        }

        DataSet data = DataSources.Load(settings.Data, settings.Seed);
        (Tensor train, Tensor? validation) = SplitValidation(data.Train, settings);
        Flow flow = checkpoint.RestoreFlow();
        context.Error.WriteLine(
            $"Resuming {ModelName(settings)} on {data.Name} in {folder.Path} at step {checkpoint.Step} of "
            + $"{checkpoint.Options.Steps}, with the run's own settings. Losses are mean NLL in nats per sample.");
        Trainer trainer = CheckpointingTrainer(folder, settings, checkpointEvery ?? settings.CheckpointEvery);
        TrainingResult result = ProgressDisplay.Run(
            progressMode, context,
            progress => ResumeOnSameData(trainer, flow, train, validation, checkpoint, progress, settings, context));

        return Finish(new FinishedRun(flow, data, train, validation, settings, result, folder), context);
    }

    private static TrainingResult ResumeOnSameData(
        Trainer trainer, Flow flow, Tensor train, Tensor? validation, TrainingCheckpoint checkpoint,
        IProgress<TrainingProgress>? progress, TrainSettings settings, CliContext context)
    {
        try
        {
            return trainer.Resume(flow, train, validation, checkpoint, progress, context.Cancellation);
        }
        catch (ArgumentException error) when (error.ParamName is "train" or "validation")
        {
            throw new InvalidDataException(
                $"{settings.Data} no longer holds the rows this run was trained on (it was changed or replaced), "
                + "so the run cannot be continued exactly; start a new run instead.", error);
        }
    }

    private static Trainer CheckpointingTrainer(RunFolder folder, TrainSettings stored, int every)
    {
        string json = stored.ToJson();
        return new Trainer
        {
            Checkpoints = new CheckpointPolicy(
                every, checkpoint => CheckpointFile.Save(checkpoint.WithApplicationData(json), folder.Checkpoint)),
        };
    }

    private static int ReportEnded(TrainingCheckpoint checkpoint, RunFolder folder, CliContext context)
    {
        string where = $"{folder.Path}: the run already ended at step {checkpoint.Step} of {checkpoint.Options.Steps}";
        if (checkpoint.Outcome == StopReason.NonFiniteLoss)
        {
            context.Error.WriteLine(
                $"error: {where} because the loss stayed non-finite; resuming would repeat that. Start a new run "
                + "with a lower --lr or with --clip.");
            return ExitCodes.Failed;
        }

        context.Error.WriteLine($"{where} ({checkpoint.Outcome}); there is nothing to resume.");
        return ExitCodes.Ok;
    }

    private static int Finish(FinishedRun run, CliContext context)
    {
        (Flow flow, DataSet data, _, _, TrainSettings settings, TrainingResult result, RunFolder folder) = run;
        ModelFile.Save(flow, folder.Model);
        RunMetrics metrics = Measure(run);
        AtomicFile.WriteAllText(folder.Metrics, metrics.ToJson());
        LossPlot.Save(result, folder.LossPlot, "nats per sample");
        SampleFigure.Save(flow, data, folder.Samples, settings.Seed);
        context.Output.WriteLine(metrics.ToJson());
        context.Error.WriteLine(
            $"Wrote {folder.Path}: {RunFolder.ModelFileName}, metrics.json, loss.png, samples.png, "
            + $"{RunFolder.CheckpointFileName}.");

        if (!double.IsFinite(metrics.TestNllNats) || !double.IsFinite(metrics.TrainNllNats))
        {
            context.Error.WriteLine(
                $"error: the trained model gives a non-finite NLL (train {metrics.TrainNllNats}, test "
                + $"{metrics.TestNllNats}); the run diverged. Try a smaller --lr or --clip.");
            return ExitCodes.Failed;
        }

        return Outcome(result, folder, context);
    }

    private static int Outcome(TrainingResult result, RunFolder folder, CliContext context)
    {
        switch (result.StopReason)
        {
            case StopReason.NonFiniteLoss:
                context.Error.WriteLine(
                    $"error: training diverged. {result.Message} {RunFolder.CheckpointFileName} keeps them too.");
                return ExitCodes.Failed;
            case StopReason.Cancelled:
                context.Error.WriteLine(
                    $"Cancelled after step {result.StepsCompleted}; the model of step {result.BestStep} was saved. "
                    + $"Continue with: coupling-flows train --resume \"{folder.Path}\"");
                return ExitCodes.Cancelled;
            default:
                return ExitCodes.Ok;
        }
    }

    private static string ModelName(TrainSettings settings) => Commands.TrainCommand.ModelName(settings.Model);

    private static (Tensor Train, Tensor? Validation) SplitValidation(Tensor train, TrainSettings settings)
    {
        int validationRows = (int)Math.Round(train.Rows * settings.ValidationFraction);
        if (settings.ValidationFraction <= 0 || validationRows < 1 || train.Rows - validationRows < 1)
        {
            return (train, null);
        }

        DataSplit split = DataSplit.Split(train.Rows, 0.0, settings.ValidationFraction, settings.Seed + 17);
        return (TensorRows.Take(train, split.Train), TensorRows.Take(train, split.Validation));
    }

    private static FlowSpec BuildSpec(TrainSettings settings, DataSet data)
    {
        PreprocessingKind preprocessing = settings.Preprocess.ToLowerInvariant() switch
        {
            "auto" => data.Preprocessing,
            "none" => PreprocessingKind.None,
            "standardize" => PreprocessingKind.Standardize,
            "logit" when data.Levels is not null => PreprocessingKind.DequantizeLogit,
            "logit" => throw new UsageException(
                $"--preprocess logit needs discrete data (digits or IDX images); {data.Name} is continuous."),
            _ => throw new UsageException(
                $"--preprocess '{settings.Preprocess}' is not accepted; use auto, none, standardize or logit."),
        };
        if (settings.Model == FlowKind.RealNvpImage && data.ImageShape is null)
        {
            throw new UsageException(
                $"--model realnvp-image needs image data (digits-images or an IDX image file); {data.Name} has "
                + "no image shape.");
        }

        var spec = new FlowSpec
        {
            Kind = settings.Model,
            Features = data.Features,
            Layers = settings.Layers,
            HiddenFeatures = settings.Hidden,
            HiddenLayers = settings.Depth,
            Activation = settings.Activation,
            ZeroLastLayer = settings.ZeroInit,
            ResidualConditioner = settings.ResidualConditioner,
            ScaleBound = settings.ScaleBound,
            Bins = settings.Bins,
            TailBound = settings.TailBound,
            Preprocessing = preprocessing,
            Levels = data.Levels ?? 256,
            ImageShape = data.ImageShape,
            Scales = settings.Scales,
            ConvChannels = settings.ConvChannels,
            ResidualBlocks = settings.ResidualBlocks,
        };
        try
        {
            spec.Validate();
        }
        catch (ArgumentException error)
        {
            throw new UsageException(error.Message);
        }

        return spec;
    }

    internal static void FitStandardization(Flow flow, Tensor train, DataSet data, long seed)
    {
        Tensor rows = data.Levels is null ? train : Evaluation.Dequantize(train, new RandomSource(seed + 404));
        try
        {
            FlowBuilder.FitStandardization(flow, rows);
        }
        catch (ArgumentException error)
        {
            throw new InvalidDataException($"{data.Name}: {error.Message.Split(" (Parameter")[0]}", error);
        }
    }

    private static RunMetrics Measure(FinishedRun run)
    {
        (Flow flow, DataSet data, Tensor train, Tensor? validation, TrainSettings settings, TrainingResult result, _) =
            run;
        bool discrete = data.Levels is not null;
        Tensor trainEval = discrete ? Evaluation.Dequantize(train, new RandomSource(settings.Seed + 101)) : train;
        Tensor testEval = discrete
            ? Evaluation.Dequantize(data.Test, new RandomSource(settings.Seed + 202))
            : data.Test;
        double trainNll = Evaluation.MeanNll(flow, trainEval);
        double testNll = Evaluation.MeanNll(flow, testEval);
        int d = data.Features;
        return new RunMetrics
        {
            Model = ModelName(settings),
            Data = data.Name,
            Features = d,
            Parameters = flow.TrainableParameterCount,
            Steps = result.StepsCompleted,
            Layers = settings.Layers,
            Hidden = settings.Hidden,
            Depth = settings.Depth,
            Batch = settings.Batch,
            LearningRate = double.Parse(
                settings.LearningRate.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
            Seed = settings.Seed,
            TrainRows = train.Rows,
            ValidationRows = validation?.Rows ?? 0,
            TestRows = data.Test.Rows,
            TrainSeconds = Math.Round(result.Elapsed.TotalSeconds, 2),
            TrainNllNats = trainNll,
            ValidationNllNats = result.BestValidationNll,
            TestNllNats = testNll,
            TrainBitsPerDim = discrete ? Evaluation.BitsPerDimension(trainNll, d) : null,
            ValidationBitsPerDim = discrete && result.BestValidationNll is double validationNll
                ? Evaluation.BitsPerDimension(validationNll, d)
                : null,
            TestBitsPerDim = discrete ? Evaluation.BitsPerDimension(testNll, d) : null,
            MaxInverseError = Evaluation.MaxInverseError(flow, testEval),
            BestStep = result.BestStep,
            StopReason = result.StopReason.ToString(),
            Scales = flow.Spec?.Kind == FlowKind.RealNvpImage ? ImageScales(flow) : null,
            ConvChannels = flow.Spec?.Kind == FlowKind.RealNvpImage ? settings.ConvChannels : null,
            ResidualBlocks = flow.Spec?.Kind == FlowKind.RealNvpImage ? settings.ResidualBlocks : null,
        };
    }

    private static int? ImageScales(Flow flow) => flow.Transform is Transforms.CompositeTransform stack
        ? stack.Layers.OfType<Transforms.MultiScaleTransform>().FirstOrDefault()?.Stages.Count
        : null;

    /// <summary>Formats a number for messages, invariant culture.</summary>
    public static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>What <see cref="Finish"/> writes out.</summary>
    private sealed record FinishedRun(
        Flow Flow,
        DataSet Data,
        Tensor Train,
        Tensor? Validation,
        TrainSettings Settings,
        TrainingResult Result,
        RunFolder Folder);
}
