using System;
using DreamTrainer;

/// <summary>Prints each epoch's metrics and stops when val_loss is below 1e-4.</summary>
[Callback(Priority = 10)]
internal sealed partial class EpochPrinter
{
    [OnTrainEpochEnd]
    private void Print(TrainerContext trainer, int epoch, MetricsView metrics)
    {
        Console.WriteLine($"epoch {epoch,3}: {metrics}");
        if (metrics["val_loss"] < 1e-4)
        {
            trainer.RequestStop($"val_loss {metrics["val_loss"]:E2} < 1e-4");
        }
    }
}
