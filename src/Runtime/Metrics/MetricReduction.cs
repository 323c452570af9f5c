namespace DreamTrainer;

/// <summary>How values logged under one name during an epoch become the epoch's value.</summary>
public enum MetricReduction
{
    /// <summary>The last value logged (Keras' per-batch logs, a learning rate).</summary>
    Last,

    /// <summary>The mean of every value logged this epoch (Lightning's <c>on_epoch=True</c>).</summary>
    Mean,
}
