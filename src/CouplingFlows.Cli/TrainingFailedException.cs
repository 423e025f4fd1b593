namespace CouplingFlows.Cli;

/// <summary>A run could not produce a usable model; reported with exit code 3.</summary>
public sealed class TrainingFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrainingFailedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed and what was kept.</param>
    public TrainingFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public TrainingFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
