using System.IO;

namespace DreamTrainer.Samples.CustomCallbacks;

/// <summary>
/// Guide example "trainer-aware callback": reads the trainer's state (epoch, learning rate,
/// metrics) and acts only through the sanctioned controls — here, it halves the learning rate
/// once validation accuracy passes a target, and asks for a checkpoint when it does.
/// </summary>
public sealed partial class TrainerAwareCallback(TextWriter output, double targetAccuracy = 0.97)
{
    [CallbackState]
    private bool _fineTuning;

    [OnTrainEpochEnd]
    private void Adapt(TrainerContext trainer, int epoch, MetricsView metrics)
    {
        if (_fineTuning || !metrics.TryGetValue("val_acc", out double accuracy) || accuracy < targetAccuracy)
        {
            return;
        }

        _fineTuning = true;
        double halved = trainer.LearningRate / 2;
        trainer.SetLearningRate(halved);
        trainer.RequestCheckpoint();
        output.WriteLine($"  epoch {epoch + 1}: val_acc {accuracy:P1} reached the target; fine-tuning at lr {halved:G3}");
    }
}
