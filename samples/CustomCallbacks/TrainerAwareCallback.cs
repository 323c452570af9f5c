using DreamTrainer.Samples.Digits;

namespace DreamTrainer.Samples.CustomCallbacks;

/// <summary>
/// Guide: "Accessing Trainer". <c>trainer.model</c> and <c>trainer.optimizer</c> bind typed
/// (<c>DigitsMlp model</c>, <c>MomentumSgd optimizer</c>), checked when Fit starts;
/// <c>trainer.log</c> and <c>trainer.save_checkpoint</c> are the context's sanctioned controls.
/// </summary>
public sealed partial class TrainerAwareCallback(string checkpointPath)
{
    /// <summary>What the last call saw: the epoch (from 1), the model's momentum and the optimizer's learning rate.</summary>
    public (int Epoch, double Momentum, double LearningRate) LastSeen { get; private set; }

    [OnTrainBatchEnd]
    private void OnTrainBatchEnd(TrainerContext trainer, in StepOutput outputs, in DigitsBatch batch, int batchIndex, DigitsMlp model, MomentumSgd optimizer)
    {
        // Access trainer attributes
        int currentEpoch = trainer.Epoch;
        LastSeen = (currentEpoch + 1, model.Momentum, optimizer.LearningRate);

        // Access trainer methods
        trainer.Log("custom_metric", 42);
        if (batchIndex == 0)
        {
            // Once per epoch here; the guide's example saves on every batch.
            trainer.SaveCheckpoint(checkpointPath);
        }
    }
}
