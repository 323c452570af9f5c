namespace DreamTrainer;

/// <summary>
/// A scalar that lives on the engine's device (a GPU loss tensor) and is read only on demand.
/// Reading it synchronizes the device, so the trainer reads it only when a callback asks for
/// <see cref="StepOutput.Loss"/>, at most once per step, and counts those reads
/// (<see cref="TrainerContext.ScalarReads"/>).
/// </summary>
/// <remarks>
/// An engine keeps one instance and points it at each step's tensor: the trainer never stores
/// it past the next step. The running sum gives the epoch's mean loss with one read per epoch.
/// </remarks>
public interface IDeferredScalar
{
    /// <summary>Reads the most recent step's value; synchronizes the device.</summary>
    /// <returns>The value.</returns>
    double Read();

    /// <summary>
    /// Adds the most recent step's value times <paramref name="weight"/> to a running sum kept on the
    /// device, without synchronizing. The trainer passes the step's batch size, so the epoch mean is
    /// a mean over samples.
    /// </summary>
    /// <param name="weight">The step's batch size (at least 1).</param>
    void AddToRunningSum(int weight);

    /// <summary>Reads the running (weighted) sum and how many values it holds, then clears it (one synchronization).</summary>
    /// <param name="count">How many values were added since the last call.</param>
    /// <returns>The sum of value times weight.</returns>
    double TakeRunningSum(out long count);
}
