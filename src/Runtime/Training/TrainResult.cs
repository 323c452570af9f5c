using System.Collections.Generic;

namespace DreamTrainer;

/// <summary>What <see cref="Trainer.Fit{TBatch}"/> returns: why it ended, how far it got, and the per-epoch metrics (Keras' History).</summary>
public sealed class TrainResult
{
    internal TrainResult(TrainEndReason reason, string? stopReason, int epochsCompleted, long globalStep, IReadOnlyList<IReadOnlyDictionary<string, double>> history, IReadOnlyList<CallbackError> errors)
    {
        Reason = reason;
        StopReason = stopReason;
        EpochsCompleted = epochsCompleted;
        GlobalStep = globalStep;
        History = history;
        Errors = errors;
    }

    /// <summary>Why training ended: <see cref="TrainEndReason.Completed"/> or <see cref="TrainEndReason.Stopped"/> (the others throw).</summary>
    public TrainEndReason Reason { get; }

    /// <summary>The reason given by the first callback that requested the stop, or null.</summary>
    public string? StopReason { get; }

    /// <summary>How many epochs ran to their end.</summary>
    public int EpochsCompleted { get; }

    /// <summary>The number of training steps taken, over all epochs.</summary>
    public long GlobalStep { get; }

    /// <summary>Each epoch's metrics at its end, in order.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, double>> History { get; }

    /// <summary>Failures that did not stop training (isolated callbacks, reported errors).</summary>
    public IReadOnlyList<CallbackError> Errors { get; }
}
