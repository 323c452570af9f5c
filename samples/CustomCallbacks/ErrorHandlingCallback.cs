using System.IO;
using DreamTrainer.Samples.Digits;

namespace DreamTrainer.Samples.CustomCallbacks;

/// <summary>
/// Guide best practice 4, "Handle Errors": log the error, don't crash. <see cref="TrainerContext.ReportError"/>
/// is the sanctioned way: it logs, counts <c>callback_errors</c> and training goes on (swallowing it is DT0301).
/// </summary>
public sealed partial class ErrorHandlingCallback
{
    private readonly long[] _histogram = new long[DigitsData.Classes];

    /// <summary>How often each digit was predicted during training.</summary>
    public long[] Histogram => _histogram;

    [OnTrainBatchEnd]
    private void OnTrainBatchEnd(TrainerContext trainer, DigitsOutputs outputs, in DigitsBatch batch, int batchIndex)
    {
        try
        {
            // Risky operation
            ProcessOutputs(outputs);
        }
        catch (InvalidDataException e)
        {
            // Log error but don't crash
            trainer.ReportError(e);
        }
    }

    private void ProcessOutputs(DigitsOutputs outputs)
    {
        foreach (int digit in outputs.Predictions)
        {
            if ((uint)digit >= (uint)_histogram.Length)
            {
                throw new InvalidDataException($"The model predicted class {digit}; digits are 0 to 9.");
            }

            _histogram[digit]++;
        }
    }
}
