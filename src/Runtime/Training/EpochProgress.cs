namespace DreamTrainer;

/// <summary>Where a run is inside an epoch, as a checkpoint written there records it.</summary>
internal enum EpochPoint
{
    /// <summary>Between epochs: the last one ended (or none began).</summary>
    None,

    /// <summary>The epoch began (its start hooks ran) and <see cref="EpochProgress.BatchesDone"/> training batches are done; what follows the last one (a validation pass every N steps) is not.</summary>
    Training,

    /// <summary>A validation pass is under way; a resume runs it again from its first batch (it changes no weights).</summary>
    Validating,

    /// <summary>The validation pass after the last batch done is over.</summary>
    Validated,
}

/// <summary>
/// The part of an epoch already done: what a checkpoint written inside an epoch needs so a resume
/// continues at the next batch exactly as the uninterrupted run did (the batches to skip, the
/// epoch's running loss; the metrics' accumulators live in the <see cref="MetricsStore"/>).
/// </summary>
internal sealed class EpochProgress
{
    /// <summary>The epoch's running training loss (host and device sums).</summary>
    public LossMean TrainLoss;

    public EpochPoint Point { get; set; }

    /// <summary>Training batches done in the current epoch.</summary>
    public int BatchesDone { get; set; }

    /// <summary>An epoch begins: nothing of it is done.</summary>
    public void Begin()
    {
        Point = EpochPoint.Training;
        BatchesDone = 0;
        TrainLoss = default;
    }

    /// <summary>The epoch is over (its end hooks run from here).</summary>
    public void End()
    {
        Point = EpochPoint.None;
        BatchesDone = 0;
        TrainLoss = default;
    }
}
