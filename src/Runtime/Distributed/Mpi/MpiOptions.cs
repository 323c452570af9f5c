using System;
using System.Globalization;

namespace DreamTrainer;

/// <summary>How <see cref="MpiProcessGroup.Initialize"/> binds MPI and how long it waits. Checked by <see cref="MpiProcessGroup.Initialize"/>.</summary>
public sealed class MpiOptions
{
    /// <summary>
    /// The longest a collective may wait for the other ranks before this rank gives up with a
    /// <see cref="TimeoutException"/> and the job is ended (a peer that hangs or died without a word).
    /// It must exceed the longest stretch one rank works alone, such as rank 0 writing a checkpoint.
    /// Default 5 minutes.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// After a failure, how long a rank waits for the others to finish their failure handling
    /// (<c>OnException</c>, <c>OnTrainEnd</c>, printing the error) before it ends the job with
    /// <c>MPI_Abort</c>. Default 10 seconds.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Open MPI's <c>libmpi</c> to load; null tries <c>libmpi.so.40</c>, <c>libmpi.so</c>, <c>libmpi.40.dylib</c>, <c>libmpi.dylib</c>.</summary>
    public string? LibraryPath { get; set; }

    /// <summary>Throws when an option is out of range; the message names the option and its value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A timeout is not positive.</exception>
    /// <exception cref="ArgumentException">The library path is empty.</exception>
    public void Validate()
    {
        if (Timeout <= TimeSpan.Zero || Timeout == System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, $"Timeout must be a positive, finite time span; it was {Format(Timeout)}.");
        }

        if (ShutdownTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ShutdownTimeout), ShutdownTimeout, $"ShutdownTimeout must be a positive time span; it was {Format(ShutdownTimeout)}.");
        }

        if (LibraryPath is { } path && string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException($"LibraryPath must be null or a path; it was '{path}'.", nameof(LibraryPath));
        }
    }

    internal MpiOptions Clone() => (MpiOptions)MemberwiseClone();

    private static string Format(TimeSpan span) => span.ToString("c", CultureInfo.InvariantCulture);
}
