using DreamTrainer.Samples.Digits;

namespace DreamTrainer.Samples.CustomCallbacks;

/// <summary>
/// Guide best practice 2, "Use Type Hints": in C# the types are the binding. The step's outputs
/// beyond the loss (Lightning's <c>outputs</c> dict) bind as the module's output type,
/// <see cref="DigitsOutputs"/>, reused from step to step, so reading them allocates nothing.
/// </summary>
public sealed partial class TypedCallback
{
    /// <summary>Training images seen.</summary>
    public long Images { get; private set; }

    /// <summary>Training images the model got right, by its own predictions.</summary>
    public long Correct { get; private set; }

    [OnTrainBatchEnd]
    private void OnTrainBatchEnd(TrainerContext trainer, DigitsOutputs outputs, in DigitsBatch batch, int batchIndex)
    {
        Images += batch.Indices.Count;
        Correct += outputs.Correct;
    }
}
