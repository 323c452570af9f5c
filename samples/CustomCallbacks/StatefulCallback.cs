namespace DreamTrainer.Samples.CustomCallbacks;

/// <summary>
/// Guide example "stateful callback": counters that survive a checkpoint and resume. The
/// generator writes and reads the [CallbackState] members; no serialization code by hand.
/// </summary>
public sealed partial class StatefulCallback
{
    [CallbackState]
    private int _epochsSeen;

    [CallbackState(Name = "best_val_acc")]
    private double _bestAccuracy;

    /// <summary>Epochs seen, across resumes.</summary>
    public int EpochsSeen => _epochsSeen;

    /// <summary>The best validation accuracy so far.</summary>
    public double BestAccuracy => _bestAccuracy;

    [OnTrainEpochEnd]
    private void Track(MetricsView metrics)
    {
        _epochsSeen++;
        if (metrics.TryGetValue("val_acc", out double accuracy) && accuracy > _bestAccuracy)
        {
            _bestAccuracy = accuracy;
        }
    }
}
