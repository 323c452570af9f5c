namespace DreamTrainer;

/// <summary>Why <see cref="EarlyStoppingCallback"/> stopped the run (Lightning's <c>EarlyStoppingReason</c>).</summary>
public enum EarlyStoppingReason
{
    /// <summary>It has not stopped the run.</summary>
    NotStopped,

    /// <summary>The metric reached <c>stoppingThreshold</c>.</summary>
    StoppingThreshold,

    /// <summary>The metric got worse than <c>divergenceThreshold</c>.</summary>
    DivergenceThreshold,

    /// <summary><c>patience</c> epochs passed without improvement.</summary>
    PatienceExhausted,

    /// <summary>The metric was NaN or infinite and <c>checkFinite</c> is on.</summary>
    NonFiniteMetric,
}
