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
        string modelName = Commands.TrainCommand.ModelName(settings.Model);
        FlowSpec spec = BuildSpec(settings, data);
        RunFolder folder = RunFolder.Create(settings.Out, $"{data.Name}-{modelName}", settings.Force);
        (Tensor train, Tensor? validation) = SplitValidation(data.Train, settings);
        Flow flow = FlowBuilder.Build(spec, new RandomSource(settings.Seed));
        FitStandardization(flow, train, data, settings.Seed);
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
        TrainingResult result = ProgressDisplay.Run(
            progressMode, context,
            progress => new Trainer().Fit(flow, train, validation, options, progress, context.Cancellation));
        ModelFile.Save(flow, folder.Model);
        RunMetrics metrics = Measure(flow, data, train, validation, settings, result, modelName);
        AtomicFile.WriteAllText(folder.Metrics, metrics.ToJson());
        LossPlot.Save(result, folder.LossPlot, "nats per sample");
        SampleFigure.Save(flow, data, folder.Samples, settings.Seed);
        context.Output.WriteLine(metrics.ToJson());
        context.Error.WriteLine(
            $"Wrote {folder.Path}: {RunFolder.ModelFileName}, metrics.json, loss.png, samples.png.");

        return Outcome(result, context);
    }

    private static int Outcome(TrainingResult result, CliContext context)
    {
        switch (result.StopReason)
        {
            case StopReason.NonFiniteLoss:
                context.Error.WriteLine($"error: training diverged. {result.Message}");
                return ExitCodes.Failed;
            case StopReason.Cancelled:
                context.Error.WriteLine(
                    $"Cancelled at step {result.StepsCompleted}; the model of step {result.BestStep} was saved.");
                return ExitCodes.Cancelled;
            default:
                return ExitCodes.Ok;
        }
    }

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

    private static void FitStandardization(Flow flow, Tensor train, DataSet data, long seed)
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

    private static RunMetrics Measure(
        Flow flow, DataSet data, Tensor train, Tensor? validation, TrainSettings settings, TrainingResult result,
        string modelName)
    {
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
            Model = modelName,
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
}
