namespace DreamTrainer.Samples.CustomCallbacks;

/// <summary>
/// Guide: "State Management". The guide's fields become <c>[CallbackState]</c> members, which the
/// generator writes into checkpoints and reads back on resume; <c>trainer.should_stop = True</c>
/// becomes the sanctioned <see cref="TrainerContext.RequestStop"/> (a direct write is DT0201).
/// </summary>
public sealed partial class StatefulCallback(int patience = 5)
{
    [CallbackState(Name = "best_metric")]
    private double _bestMetric = double.PositiveInfinity;

    [CallbackState(Name = "patience_counter")]
    private int _patienceCounter;

    /// <summary>The best <c>val_loss</c> so far.</summary>
    public double BestMetric => _bestMetric;

    /// <summary>Validation epochs since the last improvement.</summary>
    public int PatienceCounter => _patienceCounter;

    [OnValidationEpochEnd]
    private void OnValidationEpochEnd(TrainerContext trainer, MetricsView metrics)
    {
        // Get current metric
        double currentMetric = metrics["val_loss"];

        // Update state
        if (currentMetric < _bestMetric)
        {
            _bestMetric = currentMetric;
            _patienceCounter = 0;
        }
        else
        {
            _patienceCounter += 1;
        }

        // Check patience
        if (_patienceCounter >= patience)
        {
            trainer.RequestStop($"val_loss has not improved for {_patienceCounter} validation epochs");
        }
    }
}
