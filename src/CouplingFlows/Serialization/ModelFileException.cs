namespace CouplingFlows.Serialization;

/// <summary>
/// A model file or a training checkpoint could not be read: it is foreign, damaged, truncated, from a newer
/// format, or contradicts itself.
/// </summary>
public sealed class ModelFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelFileException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong.</param>
    public ModelFileException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ModelFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a file.</summary>
    /// <param name="filePath">The file.</param>
    /// <param name="reason">What is wrong with it.</param>
    public ModelFileException(string filePath, string reason)
        : base($"{filePath}: {reason}")
    {
        FilePath = filePath;
    }

    /// <summary>The file that was refused, when known.</summary>
    public string? FilePath { get; }
}
