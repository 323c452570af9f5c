using System;
using DreamTrainer.Samples.Digits;

namespace DreamTrainer.Samples.CustomCallbacks;

/// <summary>
/// Guide: "Training Hooks" and "Validation Hooks", every one with the guide's parameters. Where the
/// guide writes <c>pass</c>, this counts the call, so the sample can show when each hook ran.
/// </summary>
public sealed partial class AllHooks
{
    private readonly int[] _calls = new int[Enum.GetValues<Hook>().Length];

    /// <summary>How many times <paramref name="hook"/> ran.</summary>
    /// <param name="hook">The hook.</param>
    /// <returns>The count.</returns>
    public int Calls(Hook hook) => _calls[(int)hook];

    /// <summary>Called when training starts.</summary>
    [OnTrainStart]
    private void OnTrainStart(TrainerContext trainer) => _calls[(int)Hook.TrainStart]++;

    /// <summary>Called at the start of each training epoch.</summary>
    [OnTrainEpochStart]
    private void OnTrainEpochStart(TrainerContext trainer) => _calls[(int)Hook.TrainEpochStart]++;

    /// <summary>Called before each training batch.</summary>
    [OnTrainBatchStart]
    private void OnTrainBatchStart(TrainerContext trainer, in DigitsBatch batch, int batchIndex) => _calls[(int)Hook.TrainBatchStart]++;

    /// <summary>Called after each training batch.</summary>
    [OnTrainBatchEnd]
    private void OnTrainBatchEnd(TrainerContext trainer, in StepOutput outputs, in DigitsBatch batch, int batchIndex) => _calls[(int)Hook.TrainBatchEnd]++;

    /// <summary>Called at the end of each training epoch.</summary>
    [OnTrainEpochEnd]
    private void OnTrainEpochEnd(TrainerContext trainer) => _calls[(int)Hook.TrainEpochEnd]++;

    /// <summary>Called when training ends.</summary>
    [OnTrainEnd]
    private void OnTrainEnd(TrainerContext trainer) => _calls[(int)Hook.TrainEnd]++;

    /// <summary>Called when validation starts.</summary>
    [OnValidationStart]
    private void OnValidationStart(TrainerContext trainer) => _calls[(int)Hook.ValidationStart]++;

    /// <summary>Called at the start of each validation epoch.</summary>
    [OnValidationEpochStart]
    private void OnValidationEpochStart(TrainerContext trainer) => _calls[(int)Hook.ValidationEpochStart]++;

    /// <summary>Called before each validation batch.</summary>
    [OnValidationBatchStart]
    private void OnValidationBatchStart(TrainerContext trainer, in DigitsBatch batch, int batchIndex) => _calls[(int)Hook.ValidationBatchStart]++;

    /// <summary>Called after each validation batch.</summary>
    [OnValidationBatchEnd]
    private void OnValidationBatchEnd(TrainerContext trainer, in StepOutput outputs, in DigitsBatch batch, int batchIndex) => _calls[(int)Hook.ValidationBatchEnd]++;

    /// <summary>Called at the end of each validation epoch.</summary>
    [OnValidationEpochEnd]
    private void OnValidationEpochEnd(TrainerContext trainer) => _calls[(int)Hook.ValidationEpochEnd]++;

    /// <summary>Called when validation ends.</summary>
    [OnValidationEnd]
    private void OnValidationEnd(TrainerContext trainer) => _calls[(int)Hook.ValidationEnd]++;
}
