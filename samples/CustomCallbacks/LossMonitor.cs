using System;
using System.IO;

namespace DreamTrainer.Samples.CustomCallbacks;

/// <summary>Guide example "loss monitor": report the loss every N steps and flag spikes.</summary>
[Callback(Priority = 10)]
public sealed partial class LossMonitor(TextWriter log, int everyNSteps = 20, double spikeFactor = 3.0)
{
    private double _average = double.NaN;

    /// <summary>Steps whose loss was more than spikeFactor × the running average.</summary>
    public int Spikes { get; private set; }

    [OnTrainBatchEnd]
    private void Check(TrainerContext trainer, in StepOutput output, long globalStep)
    {
        // Reading the loss may sync a GPU: read it only on the steps we report.
        if ((globalStep + 1) % everyNSteps != 0)
        {
            return;
        }

        double loss = output.Loss;
        if (!double.IsNaN(_average) && loss > spikeFactor * _average)
        {
            Spikes++;
            trainer.Log("loss_spikes", Spikes);
        }

        _average = double.IsNaN(_average) ? loss : (0.9 * _average) + (0.1 * loss);
        // Formatting allocates, but only on the 1-in-everyNSteps steps that report: past the early
        // return above, so DT0401 (every-call allocations) leaves it alone.
        log.WriteLine($"  step {globalStep + 1,5}: loss {loss:F4} (running {_average:F4})");
    }
}
