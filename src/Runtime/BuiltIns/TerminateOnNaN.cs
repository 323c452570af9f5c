using System.IO;

namespace DreamTrainer;

/// <summary>
/// Ends training at once when a training loss is NaN or infinite (Keras' TerminateOnNaN). The run
/// ends with reason <see cref="TrainEndReason.Stopped"/> and skips that epoch's validation and
/// epoch-end hooks, so no checkpoint or log records the broken weights as a finished epoch.
/// It reads the loss every step: on a GPU that is one synchronization per step.
/// </summary>
[Callback(Priority = 1000)]
public sealed partial class TerminateOnNaN
{
    private readonly TextWriter? _output;

    /// <summary>Creates the callback.</summary>
    /// <param name="output">Where to print the message; null: silent.</param>
    public TerminateOnNaN(TextWriter? output = null) => _output = output;

    /// <summary>The step at which a non-finite loss was seen, or -1.</summary>
    public long TerminatedAtStep { get; private set; } = -1;

    [OnTrainBatchEnd]
    private void Check(TrainerContext context, in StepOutput output, int batchIndex, long globalStep)
    {
        double loss = output.Loss;
        if (double.IsFinite(loss))
        {
            return;
        }

        TerminatedAtStep = globalStep;
#pragma warning disable DT0401 // Runs once, on the step that ends the run; finite steps return above.
        _output?.WriteLine($"Batch {batchIndex}: Invalid loss, terminating training");
        context.RequestStop($"TerminateOnNaN: loss was {loss} at step {globalStep} (epoch {context.Epoch}, batch {batchIndex}).", immediately: true);
#pragma warning restore DT0401
    }
}
