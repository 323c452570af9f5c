using System;
using System.IO;

namespace DreamTrainer;

/// <summary>
/// Ends training when a training loss is NaN or infinite (Keras' TerminateOnNaN). By default the run
/// ends at once with reason <see cref="TrainEndReason.Stopped"/> and skips that epoch's validation
/// and epoch-end hooks, so no checkpoint or log records the broken weights as a finished epoch.
/// With <c>raiseError</c> the hook throws instead: the run fails (every callback gets
/// <see cref="Hook.Exception"/> and <see cref="Hook.TrainEnd"/> with <see cref="TrainEndReason.Failed"/>)
/// and <see cref="Trainer.Fit{TBatch}"/> throws a <see cref="CallbackException"/> whose inner
/// exception says where the loss broke. It reads the loss every step: on a GPU that is one
/// synchronization per step.
/// </summary>
[Callback(Priority = 1000)]
public sealed partial class TerminateOnNaN
{
    private readonly TextWriter? _output;

    /// <summary>Creates the callback.</summary>
    /// <param name="output">Where to print the message; null: silent.</param>
    /// <param name="raiseError">Fail the run with an exception instead of stopping it.</param>
    public TerminateOnNaN(TextWriter? output = null, bool raiseError = false)
    {
        _output = output;
        RaiseError = raiseError;
    }

    /// <summary>Whether a non-finite loss fails the run instead of stopping it.</summary>
    public bool RaiseError { get; }

    /// <summary>The index (from 0) of the step whose loss was not finite, or -1.</summary>
    public long TerminatedAtStep { get; private set; } = -1;

    [OnTrainStart]
    private void Start() => TerminatedAtStep = -1;

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
        string where = $"batch {batchIndex + 1} of epoch {context.Epoch + 1} (step {globalStep + 1})";
        if (RaiseError)
        {
            throw new InvalidOperationException($"NaN or Inf loss encountered at {where}. Loss value: {loss}. Terminating training immediately.");
        }

        if (context.IsGlobalZero)
        {
            _output?.WriteLine($"Epoch {context.Epoch + 1}, batch {batchIndex + 1}: Invalid loss, terminating training");
        }

        context.RequestStop($"TerminateOnNaN: loss was {loss} at {where}.", immediately: true);
#pragma warning restore DT0401
    }
}
