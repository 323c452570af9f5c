namespace DreamTrainer;

/// <summary>How values logged under one name during an epoch become the epoch's value.</summary>
public enum MetricReduction
{
    /// <summary>The last value logged (Keras' per-batch logs, a learning rate).</summary>
    Last,

    /// <summary>
    /// The mean of every value logged this epoch (Lightning's <c>on_epoch=True</c>). Values logged
    /// during a step (in the module's step or a batch hook) are weighted by that step's batch size
    /// (<see cref="StepResult.BatchSize"/>), as Keras' and Lightning's metrics are.
    /// </summary>
    Mean,

    /// <summary>The sum of every value logged this epoch (Lightning's <c>reduce_fx="sum"</c>).</summary>
    Sum,

    /// <summary>The smallest value logged this epoch.</summary>
    Min,

    /// <summary>The largest value logged this epoch.</summary>
    Max,
}
