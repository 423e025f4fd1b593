using System.Diagnostics;
using CouplingFlows.Flows;
using CouplingFlows.Nn;
using CouplingFlows.Numerics;

namespace CouplingFlows.Training;

/// <summary>
/// Fits a flow by maximum likelihood: Adam on the mean negative log-likelihood of mini-batches.
/// </summary>
/// <remarks>
/// <para>Each epoch visits the training rows in a fresh seeded order; a partial last batch is dropped.
/// With <see cref="TrainerOptions.Dequantize"/>, U[0, 1) noise is drawn anew for every batch.</para>
/// <para>With validation data, the parameters of the best validation pass are restored at the end
/// (and early stopping can end the run). A non-finite loss or gradient skips its update; after
/// <see cref="TrainerOptions.MaxConsecutiveNonFiniteSteps"/> in a row the run stops and the last good
/// parameters are restored.</para>
/// <para>The library never prints: progress goes to the <see cref="IProgress{T}"/> given.</para>
/// </remarks>
public sealed class Trainer
{
    private readonly TimeProvider _time;

    /// <summary>Creates a trainer.</summary>
    /// <param name="time">The clock for elapsed times; the system clock when null.</param>
    public Trainer(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Runs the optimisation.</summary>
    /// <param name="flow">The flow to train, changed in place.</param>
    /// <param name="train">(N, D) training rows, N ≥ 1.</param>
    /// <param name="validation">(M, D) validation rows, or null.</param>
    /// <param name="options">The settings.</param>
    /// <param name="progress">Receives reports after validation passes and at most every 1 % of steps.</param>
    /// <param name="cancellationToken">Checked between steps.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="ArgumentException">The data do not fit the flow.</exception>
    public TrainingResult Fit(
        Flow flow,
        Tensor train,
        Tensor? validation,
        TrainerOptions options,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        CheckData(flow, train, nameof(train));
        if (validation is not null)
        {
            CheckData(flow, validation, nameof(validation));
        }

        var stack = flow.Transform as Transforms.CompositeTransform;
        bool previous = stack?.MemorySaving ?? false;
        if (stack is not null)
        {
            stack.MemorySaving = options.MemorySaving;
        }

        try
        {
            var run = new TrainingRun(flow, train, validation, options, progress, _time);
            return run.Execute(cancellationToken);
        }
        finally
        {
            if (stack is not null)
            {
                stack.MemorySaving = previous;
            }
        }
    }

    private static void CheckData(Flow flow, Tensor data, string name)
    {
        if (data.Rows < 1)
        {
            throw new ArgumentException($"{name} has no rows.", name);
        }

        if (data.RowLength != flow.Features)
        {
            throw new ArgumentException(
                $"{name} has {data.RowLength} columns but the flow was built for {flow.Features} features.", name);
        }
    }

    private sealed class TrainingRun
    {
        private readonly Flow _flow;
        private readonly Tensor _train;
        private readonly Tensor? _validation;
        private readonly TrainerOptions _options;
        private readonly IProgress<TrainingProgress>? _progress;
        private readonly TimeProvider _time;
        private readonly Adam _adam;
        private readonly RandomSource _random;
        private readonly int[] _order;
        private readonly Tensor _batch;
        private readonly float[][] _bestValues;
        private readonly List<float> _losses = [];
        private readonly List<(int Step, double Nll)> _validationHistory = [];
        private int _position;
        private int _bestStep;
        private double? _bestValidation;
        private double? _lastValidation;
        private double _runningLoss = double.NaN;

        public TrainingRun(
            Flow flow,
            Tensor train,
            Tensor? validation,
            TrainerOptions options,
            IProgress<TrainingProgress>? progress,
            TimeProvider time)
        {
            _flow = flow;
            _train = train;
            _options = options;
            _progress = progress;
            _time = time;
            _random = new RandomSource(options.Seed ^ 0x5EED_DA7AL);
            _adam = new Adam(flow.Parameters, options.LearningRate);
            _order = _random.Permutation(train.Rows);
            int batchRows = Math.Min(options.BatchSize, train.Rows);
            _batch = new Tensor(batchRows, train.RowLength);
            _bestValues = [.. flow.Parameters.Select(p => (float[])p.Value.Data.Clone())];
            _validation = validation is not null && options.Dequantize
                ? Evaluation.Dequantize(validation, new RandomSource(options.Seed ^ 0x7E57L))
                : validation;
        }

        public TrainingResult Execute(CancellationToken cancellationToken)
        {
            long start = _time.GetTimestamp();
            int patienceLeft = _options.EarlyStoppingPatience ?? int.MaxValue;
            int nonFinite = 0;
            int step = 0;
            StopReason reason = StopReason.Completed;
            string? message = null;
            Validate(0);
            while (step < _options.Steps)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    reason = StopReason.Cancelled;
                    break;
                }

                step++;
                _adam.LearningRate = (float)LearningRateAt(step);
                NextBatch();
                _adam.ZeroGradients();
                double loss = _flow.ComputeLossAndGradients(_batch);
                if (!double.IsFinite(loss) || !double.IsFinite(_adam.GradientNorm()))
                {
                    _losses.Add(float.NaN);
                    nonFinite++;
                    if (nonFinite >= _options.MaxConsecutiveNonFiniteSteps)
                    {
                        reason = StopReason.NonFiniteLoss;
                        message = $"The loss or its gradient was non-finite for {nonFinite} steps in a row "
                            + $"(last at step {step}, epoch {EpochOf(step)}); the parameters of step "
                            + $"{_bestStep} were kept.";
                        break;
                    }

                    continue;
                }

                nonFinite = 0;
                _adam.Step(_options.GradientClipNorm);
                _losses.Add((float)loss);
                _runningLoss = double.IsNaN(_runningLoss) ? loss : (0.98 * _runningLoss) + (0.02 * loss);
                bool validationStep = step % _options.ValidationInterval == 0 || step == _options.Steps;
                if (validationStep && !Validate(step))
                {
                    patienceLeft--;
                    if (patienceLeft <= 0)
                    {
                        reason = StopReason.EarlyStopped;
                        Report(step, start);
                        break;
                    }
                }
                else if (validationStep)
                {
                    patienceLeft = _options.EarlyStoppingPatience ?? int.MaxValue;
                }

                if (validationStep || step % Math.Max(1, _options.Steps / 100) == 0)
                {
                    Report(step, start);
                }
            }

            RestoreBest();

            return new TrainingResult(
                reason, step, _losses, _validationHistory, _bestStep, _bestValidation,
                _time.GetElapsedTime(start), message);
        }

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

        private void RestoreBest()
        {
            IReadOnlyList<Parameter> parameters = _flow.Parameters;
            for (int p = 0; p < parameters.Count; p++)
            {
                _bestValues[p].CopyTo(parameters[p].Value.Data, 0);
            }
        }

        private void Report(int step, long start)
        {
            _progress?.Report(new TrainingProgress(
                EpochOf(step), step, _options.Steps, _runningLoss, _lastValidation,
                _adam.LearningRate, _time.GetElapsedTime(start)));
        }
    }
}
