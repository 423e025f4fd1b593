using CouplingFlows.Flows;
using CouplingFlows.Nn;
using CouplingFlows.Numerics;

namespace CouplingFlows.Training;

/// <summary>The state of one <see cref="Trainer"/> run: everything a checkpoint captures and restores.</summary>
internal sealed class TrainingRun
{
    private readonly Flow _flow;
    private readonly Tensor _train;
    private readonly Tensor? _rawValidation;
    private readonly Tensor? _validation;
    private readonly TrainerOptions _options;
    private readonly IProgress<TrainingProgress>? _progress;
    private readonly TimeProvider _time;
    private readonly CheckpointPolicy? _checkpoints;
    private readonly Adam _adam;
    private readonly RandomSource _random;
    private readonly int[] _order;
    private readonly Tensor _batch;
    private readonly float[][] _bestValues;
    private readonly List<float> _losses = [];
    private readonly List<(int Step, double Nll)> _validationHistory = [];
    private byte[]? _trainFingerprint;
    private byte[]? _validationFingerprint;
    private bool _resumed;
    private int _step;
    private int _position;
    private int _bestStep;
    private int _nonFinite;
    private int _patienceLeft;
    private double? _bestValidation;
    private double? _lastValidation;
    private double _runningLoss = double.NaN;
    private TimeSpan _elapsedBefore;

    public TrainingRun(
        Flow flow,
        Tensor train,
        Tensor? validation,
        TrainerOptions options,
        IProgress<TrainingProgress>? progress,
        TimeProvider time,
        CheckpointPolicy? checkpoints)
    {
        _flow = flow;
        _train = train;
        _options = options;
        _progress = progress;
        _time = time;
        _checkpoints = checkpoints;
        _random = new RandomSource(options.Seed ^ 0x5EED_DA7AL);
        _adam = new Adam(flow.Parameters, options.LearningRate);
        _order = _random.Permutation(train.Rows);
        int batchRows = Math.Min(options.BatchSize, train.Rows);
        _batch = new Tensor(batchRows, train.RowLength);
        _bestValues = [.. flow.Parameters.Select(p => (float[])p.Value.Data.Clone())];
        _rawValidation = validation;
        _validation = validation is not null && options.Dequantize
            ? Evaluation.Dequantize(validation, new RandomSource(options.Seed ^ 0x7E57L))
            : validation;
        _patienceLeft = options.EarlyStoppingPatience ?? int.MaxValue;
    }

    /// <summary>Puts the run in the state of a checkpoint already checked against the flow and the data.</summary>
    public void Restore(TrainingCheckpoint checkpoint)
    {
        TrainingCheckpoint.CopyInto(_flow.Parameters, checkpoint.Values);
        for (int p = 0; p < _bestValues.Length; p++)
        {
            checkpoint.BestValues[p].CopyTo(_bestValues[p], 0);
        }

        if (checkpoint.FirstMoments.Length != _adam.FirstMoments.Count
            || checkpoint.FirstMoments.Where((m, i) => m.Length != _adam.FirstMoments[i].Length).Any())
        {
            throw new ArgumentException(
                "The checkpoint's optimiser moments do not match the flow's trainable parameters.",
                nameof(checkpoint));
        }

        for (int p = 0; p < checkpoint.FirstMoments.Length; p++)
        {
            checkpoint.FirstMoments[p].CopyTo(_adam.FirstMoments[p], 0);
            checkpoint.SecondMoments[p].CopyTo(_adam.SecondMoments[p], 0);
        }

        _adam.RestoreStepCount(checkpoint.AdamSteps);
        _random.SetState(checkpoint.Random);
        checkpoint.Order.CopyTo(_order, 0);
        _position = checkpoint.Position;
        _step = checkpoint.Step;
        _bestStep = checkpoint.BestStep;
        _bestValidation = checkpoint.BestValidationNll;
        _lastValidation = checkpoint.LastValidationNll;
        _runningLoss = checkpoint.RunningLoss;
        _nonFinite = checkpoint.NonFiniteSteps;
        _patienceLeft = checkpoint.PatienceLeft;
        _losses.AddRange(checkpoint.Losses);
        _validationHistory.AddRange(checkpoint.Validations);
        _elapsedBefore = checkpoint.Elapsed;
        _trainFingerprint = checkpoint.TrainFingerprint;
        _validationFingerprint = checkpoint.ValidationFingerprint;
        _resumed = true;
    }

    public TrainingResult Execute(CancellationToken cancellationToken)
    {
        long start = _time.GetTimestamp();
        StopReason reason = StopReason.Completed;
        string? message = null;
        if (!_resumed)
        {
            Validate(0);
        }

        while (_step < _options.Steps)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                reason = StopReason.Cancelled;
                break;
            }

            _step++;
            if (TakeStep(start, out message) is StopReason stop)
            {
                reason = stop;
                break;
            }

            if (_checkpoints is { Interval: > 0 } policy && _step % policy.Interval == 0 && _step < _options.Steps)
            {
                policy.Save(Capture(null, start));
            }
        }

        _checkpoints?.Save(Capture(reason, start));
        RestoreBest();

        return new TrainingResult(
            reason, _step, _losses, _validationHistory, _bestStep, _bestValidation, Elapsed(start), message);
    }

    /// <summary>Runs step <see cref="_step"/>; returns a reason when the run must stop after it.</summary>
    private StopReason? TakeStep(long start, out string? message)
    {
        message = null;
        _adam.LearningRate = (float)LearningRateAt(_step);
        NextBatch();
        _adam.ZeroGradients();
        double loss = _flow.ComputeLossAndGradients(_batch);
        if (!double.IsFinite(loss) || !double.IsFinite(_adam.GradientNorm()))
        {
            _losses.Add(float.NaN);
            _nonFinite++;
            if (_nonFinite < _options.MaxConsecutiveNonFiniteSteps)
            {
                return null;
            }

            message = $"The loss or its gradient was non-finite for {_nonFinite} steps in a row "
                + $"(last at step {_step}, epoch {EpochOf(_step)}); the parameters of step "
                + $"{_bestStep} were kept.";
            return StopReason.NonFiniteLoss;
        }

        _nonFinite = 0;
        _adam.Step(_options.GradientClipNorm);
        _losses.Add((float)loss);
        _runningLoss = double.IsNaN(_runningLoss) ? loss : (0.98 * _runningLoss) + (0.02 * loss);
        bool validationStep = _step % _options.ValidationInterval == 0 || _step == _options.Steps;
        if (validationStep && !Validate(_step))
        {
            _patienceLeft--;
            if (_patienceLeft <= 0)
            {
                Report(start);
                return StopReason.EarlyStopped;
            }
        }
        else if (validationStep)
        {
            _patienceLeft = _options.EarlyStoppingPatience ?? int.MaxValue;
        }

        if (validationStep || _step % Math.Max(1, _options.Steps / 100) == 0)
        {
            Report(start);
        }

        return null;
    }

    private TrainingCheckpoint Capture(StopReason? outcome, long start)
    {
        IReadOnlyList<Parameter> parameters = _flow.Parameters;
        _trainFingerprint ??= DataFingerprint.Of(_train);
        _validationFingerprint ??= _rawValidation is null ? null : DataFingerprint.Of(_rawValidation);
        return new TrainingCheckpoint
        {
            Options = _options,
            Spec = _flow.Spec,
            Step = _step,
            Outcome = outcome,
            BestStep = _bestStep,
            BestValidationNll = _bestValidation,
            Elapsed = Elapsed(start),
            ParameterNames = [.. parameters.Select(p => p.Name)],
            ParameterShapes = [.. parameters.Select(p => p.Value.Shape.ToArray())],
            Values = [.. parameters.Select(p => (float[])p.Value.Data.Clone())],
            BestValues = [.. _bestValues.Select(v => (float[])v.Clone())],
            FirstMoments = [.. _adam.FirstMoments.Select(m => (float[])m.Clone())],
            SecondMoments = [.. _adam.SecondMoments.Select(m => (float[])m.Clone())],
            AdamSteps = _adam.StepCount,
            Random = _random.GetState(),
            Order = (int[])_order.Clone(),
            Position = _position,
            LastValidationNll = _lastValidation,
            RunningLoss = _runningLoss,
            NonFiniteSteps = _nonFinite,
            PatienceLeft = _patienceLeft,
            Losses = [.. _losses],
            Validations = [.. _validationHistory],
            TrainFingerprint = _trainFingerprint,
            ValidationFingerprint = _validationFingerprint,
        };
    }

    private TimeSpan Elapsed(long start) => _elapsedBefore + _time.GetElapsedTime(start);

    private double LearningRateAt(int step)
    {
        if (!_options.CosineSchedule)
        {
            return _options.LearningRate;
        }

        double progress = (step - 1) / (double)_options.Steps;
        return _options.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }

    private int EpochOf(int step) => ((step - 1) * _batch.Rows / _train.Rows) + 1;

    private void NextBatch()
    {
        int width = _train.RowLength;
        if (_position + _batch.Rows > _order.Length)
        {
            _random.Shuffle<int>(_order);
            _position = 0;
        }

        for (int i = 0; i < _batch.Rows; i++)
        {
            int source = _order[_position++];
            _train.Data.AsSpan(source * width, width).CopyTo(_batch.Data.AsSpan(i * width, width));
        }

        if (_options.Dequantize)
        {
            float[] values = _batch.Data;
            for (int i = 0; i < values.Length; i++)
            {
                values[i] += _random.NextSingle();
            }
        }
    }

    /// <summary>Runs a validation pass (or, without validation data, marks a good step).</summary>
    /// <returns>True when the parameters improved and were kept as the best.</returns>
    private bool Validate(int step)
    {
        if (_validation is null)
        {
            SnapshotBest(step);
            return true;
        }

        double nll = Evaluation.MeanNll(_flow, _validation);
        _validationHistory.Add((step, nll));
        _lastValidation = nll;
        if (double.IsFinite(nll) && (_bestValidation is null || nll < _bestValidation))
        {
            _bestValidation = nll;
            SnapshotBest(step);
            return true;
        }

        return false;
    }

    private void SnapshotBest(int step)
    {
        _bestStep = step;
        IReadOnlyList<Parameter> parameters = _flow.Parameters;
        for (int p = 0; p < parameters.Count; p++)
        {
            parameters[p].Value.Data.CopyTo(_bestValues[p], 0);
        }
    }

    private void RestoreBest() => TrainingCheckpoint.CopyInto(_flow.Parameters, _bestValues);

    private void Report(long start)
    {
        _progress?.Report(new TrainingProgress(
            EpochOf(_step), _step, _options.Steps, _runningLoss, _lastValidation,
            _adam.LearningRate, Elapsed(start)));
    }
}
