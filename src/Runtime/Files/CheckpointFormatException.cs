using System;
using System.IO;

namespace DreamTrainer;

/// <summary>
/// A checkpoint (or a checkpoint folder's manifest) that cannot be read back: truncated, not a
/// zip archive, a malformed or over-large <c>checkpoint.json</c>, a value of the wrong type or an
/// impossible one (a negative step, a NaN learning rate, a file name that leaves the folder).
/// The message names the file and what is wrong with it, and the key and value where there is
/// one. Every read that finds a problem throws this one type, so a caller catches one exception.
/// </summary>
/// <remarks>
/// An <see cref="IOException"/>: <see cref="InvalidDataException"/>, the closer fit, is sealed.
/// </remarks>
public sealed class CheckpointFormatException : IOException
{
    /// <summary>Creates the exception with a message.</summary>
    public CheckpointFormatException()
        : base("The checkpoint cannot be read.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong.</param>
    public CheckpointFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure that revealed it.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The failure.</param>
    public CheckpointFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for <paramref name="filePath"/>: the message starts with the file's full path.</summary>
    /// <param name="filePath">The file that cannot be read.</param>
    /// <param name="problem">What is wrong with it.</param>
    /// <param name="innerException">The failure that revealed it, or null.</param>
    public CheckpointFormatException(string filePath, string problem, Exception? innerException)
        : base($"Checkpoint file '{filePath}': {problem}", innerException)
    {
        FilePath = filePath;
    }

    /// <summary>The file that cannot be read, when known.</summary>
    public string? FilePath { get; }
}
