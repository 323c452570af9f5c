using System;
using System.Collections.Generic;

namespace DreamTrainer;

/// <summary>Restoring a run from a checkpoint: counters, model, learning rates, stop requests, the epoch in progress, every callback's state.</summary>
public sealed partial class CheckpointFile
{
    /// <summary>
    /// Restores the run into a starting context. Everything that can fail (a corrupt model, a
    /// snapshot, a callback's state) fails here, before any hook runs or any file is written.
    /// </summary>
    /// <param name="context">The new run's context.</param>
    /// <param name="callbacks">The new run's callbacks.</param>
    /// <param name="continueStoppedRun">Forget the stop that ended the checkpoint's run.</param>
    internal void RestoreInto(TrainerContext context, ICallbackDispatcher callbacks, bool continueStoppedRun)
    {
        using CheckpointArchive archive = OpenAgain();
        if (HasModelState)
        {
            if (context.ModelState is { } modelState)
            {
                LoadModel(archive, modelState);
            }
            else
            {
                context.Warn($"The checkpoint '{Path}' holds model state but the module exposes no IModelStateControl; the model was not restored.");
            }
        }
        else if (context.ModelState is not null)
        {
            throw new CheckpointFormatException(
                Path,
                $"has no {CheckpointArchive.ModelEntry}, but the module has model state (IModelStateControl): resuming would train on from the module's current weights instead of the checkpoint's. "
                + "Load weights from another checkpoint with CheckpointFile.LoadModelInto and start a new Fit instead.",
                null);
        }

        context.Epoch = EpochsCompleted;
        context.EpochsCompleted = EpochsCompleted;
        context.GlobalStep = GlobalStep;
        context.IsResumed = true;
        if (context.LearningRates is { } learningRates)
        {
            for (int group = 0; group < Math.Min(learningRates.GroupCount, LearningRates.Count); group++)
            {
                learningRates.SetLearningRate(group, LearningRates[group]);
            }
        }

        if (!(continueStoppedRun && EndReason == TrainEndReason.Stopped))
        {
            context.RestoreStop(StopReasons, StopImmediately);
        }

        context.CheckpointRequested = CheckpointRequested;
        if (Progress is { } progress)
        {
            context.Progress.Point = progress.Point;
            context.Progress.BatchesDone = progress.BatchesDone;
            context.Progress.TrainLoss.Restore(progress.LossSum, progress.LossWeight);
            context.IsValidationEpoch = progress.ValidationEpoch;
            context.BatchIndex = Math.Max(0, progress.BatchesDone - 1);
            foreach (SavedAccumulator metric in progress.Accumulators)
            {
                context.MetricsStore.RestoreAccumulator(metric.Name, metric.Reduction, metric.Value, metric.Weight, metric.Count, metric.Validation, metric.Reduced);
            }
        }

        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (ICallback callback in callbacks.Callbacks)
        {
            known.Add(callback.StateKey);
        }

        foreach (string key in CallbackKeys)
        {
            if (!known.Contains(key))
            {
                context.Warn($"The checkpoint has state for '{key}', but no callback of this run has that state key; it was ignored.");
            }
        }

        var snapshots = new CheckpointEntries(name => archive.Open(name, Limits.MaxModelBytes));
        callbacks.OnLoadState(context, new CallbackStateReader(CallbackStates, Path, "callbacks", snapshots));
    }
}
