using System.IO;
using DreamTrainer.Samples.Digits;

namespace DreamTrainer.Samples.CustomCallbacks;

/// <summary>Guide best practice 1, "Keep Callbacks Focused": one callback, one job — flag high losses. A member of <see cref="MonitoringGroup"/>.</summary>
public sealed partial class LossMonitor(TextWriter log, double threshold = 10.0)
{
    /// <summary>Steps whose loss was above the threshold.</summary>
    public int HighLosses { get; private set; }

    [OnTrainBatchEnd]
    private void OnTrainBatchEnd(TrainerContext trainer, in StepOutput outputs, in DigitsBatch batch, int batchIndex)
    {
        if (outputs.Loss > threshold)
        {
            HighLosses++;
            log.WriteLine("High loss detected");
        }
    }
}
