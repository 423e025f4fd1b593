namespace CouplingFlows.Training;

/// <summary>Settings of a maximum-likelihood training run.</summary>
public sealed record TrainerOptions
{
    /// <summary>The number of optimiser steps.</summary>
    public int Steps { get; init; } = 3000;

    /// <summary>Rows per mini-batch (capped at the number of training rows).</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Adam's learning rate η.</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Seeds the data order and the dequantisation noise.</summary>
    public long Seed { get; init; }

    /// <summary>When set, the global gradient norm is clipped to this value.</summary>
    public float? GradientClipNorm { get; init; }

    /// <summary>Steps between two validation passes.</summary>
    public int ValidationInterval { get; init; } = 100;

    /// <summary>Stop after this many validation passes without improvement; null never stops early.</summary>
    public int? EarlyStoppingPatience { get; init; }

    /// <summary>Add uniform noise U[0, 1) to every value of every batch (discrete data).</summary>
    public bool Dequantize { get; init; }

    /// <summary>Consecutive non-finite steps (skipped) after which the run stops.</summary>
    public int MaxConsecutiveNonFiniteSteps { get; init; } = 5;

    /// <summary>Train with <see cref="Transforms.CompositeTransform.MemorySaving"/>: inputs are rebuilt
    /// through the exact inverse during backward instead of cached, so activation memory does not grow with
    /// depth.</summary>
    public bool MemorySaving { get; init; }

    /// <summary>Whether the learning rate follows a cosine decay to zero over the run.</summary>
    public bool CosineSchedule { get; init; }

    /// <summary>Throws when a setting is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is invalid; the message names it.</exception>
    public void Validate()
    {
        if (Steps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "steps must be at least 1.");
        }

        if (BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "batch must be at least 1.");
        }

        if (!(LearningRate > 0f) || !float.IsFinite(LearningRate))
        {
            throw new ArgumentOutOfRangeException(
                nameof(LearningRate), LearningRate, "lr must be positive and finite.");
        }

        if (ValidationInterval < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(ValidationInterval), ValidationInterval, "The validation interval must be at least 1.");
        }

        if (EarlyStoppingPatience is < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(EarlyStoppingPatience), EarlyStoppingPatience, "patience must be at least 1.");
        }

        if (GradientClipNorm is float clip && !(clip > 0f))
        {
            throw new ArgumentOutOfRangeException(
                nameof(GradientClipNorm), GradientClipNorm, "The clip norm must be positive.");
        }

        if (MaxConsecutiveNonFiniteSteps < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxConsecutiveNonFiniteSteps), MaxConsecutiveNonFiniteSteps, "Must be at least 1.");
        }
    }
}
