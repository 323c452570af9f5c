using System.IO;
using DreamTrainer.Samples.Digits;

namespace DreamTrainer.Samples.CustomCallbacks;

/// <summary>
/// Guide: "Basic Callback". Lightning's <c>on_train_batch_end(self, trainer, outputs, batch, batch_idx)</c>
/// is a method with the hook's attribute; it declares what it reads, and the generator binds it:
/// the trainer, the step's outputs (the loss), the batch by its type, the batch index.
/// </summary>
public sealed partial class MyCallback(TextWriter log)
{
    /// <summary>Called after each training batch.</summary>
    [OnTrainBatchEnd]
    private void OnTrainBatchEnd(TrainerContext trainer, in StepOutput outputs, in DigitsBatch batch, int batchIndex)
    {
        // Access trainer state
        int currentEpoch = trainer.Epoch;
        long currentStep = trainer.GlobalStep;

        // Access outputs
        double loss = outputs.Loss;

        // Do something
        if (loss > 10.0)
        {
            // Formatting allocates, but only on a step with a high loss: DT0401 watches what runs on every call.
            log.WriteLine($"High loss detected: {loss} (epoch {currentEpoch + 1}, step {currentStep}, batch {batchIndex} of {batch.Indices.Count} images)");
        }
    }
}
