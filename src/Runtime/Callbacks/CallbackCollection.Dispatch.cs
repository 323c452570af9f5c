using System;

namespace DreamTrainer;

// One method per hook: walk that hook's table; each failure goes through the callback's error policy.
public sealed partial class CallbackCollection
{
    /// <inheritdoc/>
    public void OnTrainStart(TrainerContext context)
    {
        foreach (ICallback callback in _tables[(int)Hook.TrainStart])
        {
            try
            {
                callback.OnTrainStart(context);
            }
            catch (Exception failure)
            {
                CallbackDispatch.HandleFailure(context, callback, Hook.TrainStart, failure);
            }
        }
    }

    /// <inheritdoc/>
    public void OnTrainEpochStart(TrainerContext context, int epoch)
    {
        foreach (ICallback callback in _tables[(int)Hook.TrainEpochStart])
        {
            try
            {
                callback.OnTrainEpochStart(context, epoch);
            }
            catch (Exception failure)
            {
                CallbackDispatch.HandleFailure(context, callback, Hook.TrainEpochStart, failure);
            }
        }
    }

    /// <inheritdoc/>
    public void OnTrainBatchStart(TrainerContext context, int batchIndex, long globalStep)
    {
        foreach (ICallback callback in _tables[(int)Hook.TrainBatchStart])
        {
            try
            {
                callback.OnTrainBatchStart(context, batchIndex, globalStep);
            }
            catch (Exception failure)
            {
                CallbackDispatch.HandleFailure(context, callback, Hook.TrainBatchStart, failure);
            }
        }
    }

    /// <inheritdoc/>
    public void OnTrainBatchEnd(TrainerContext context, in StepOutput output, int batchIndex, long globalStep)
    {
        foreach (ICallback callback in _tables[(int)Hook.TrainBatchEnd])
        {
            try
            {
                callback.OnTrainBatchEnd(context, in output, batchIndex, globalStep);
            }
            catch (Exception failure)
            {
                CallbackDispatch.HandleFailure(context, callback, Hook.TrainBatchEnd, failure);
            }
        }
    }

    /// <inheritdoc/>
    public void OnTrainEpochEnd(TrainerContext context, int epoch, MetricsView metrics)
    {
        foreach (ICallback callback in _tables[(int)Hook.TrainEpochEnd])
        {
            try
            {
                callback.OnTrainEpochEnd(context, epoch, metrics);
            }
            catch (Exception failure)
            {
                CallbackDispatch.HandleFailure(context, callback, Hook.TrainEpochEnd, failure);
            }
        }
    }

    /// <inheritdoc/>
    public void OnTrainEnd(TrainerContext context, TrainEndReason reason)
    {
        foreach (ICallback callback in _tables[(int)Hook.TrainEnd])
        {
            try
            {
                callback.OnTrainEnd(context, reason);
            }
            catch (Exception failure)
            {
                CallbackDispatch.HandleFailure(context, callback, Hook.TrainEnd, failure);
            }
        }
    }

    /// <inheritdoc/>
    public void OnValidationStart(TrainerContext context)
    {
        foreach (ICallback callback in _tables[(int)Hook.ValidationStart])
        {
            try
            {
                callback.OnValidationStart(context);
            }
            catch (Exception failure)
            {
                CallbackDispatch.HandleFailure(context, callback, Hook.ValidationStart, failure);
            }
        }
    }

    /// <inheritdoc/>
    public void OnValidationEpochStart(TrainerContext context, int epoch)
    {
        foreach (ICallback callback in _tables[(int)Hook.ValidationEpochStart])
        {
            try
            {
                callback.OnValidationEpochStart(context, epoch);
            }
            catch (Exception failure)
            {
                CallbackDispatch.HandleFailure(context, callback, Hook.ValidationEpochStart, failure);
            }
        }
    }

    /// <inheritdoc/>
    public void OnValidationBatchStart(TrainerContext context, int batchIndex, long globalStep)
    {
        foreach (ICallback callback in _tables[(int)Hook.ValidationBatchStart])
        {
            try
            {
                callback.OnValidationBatchStart(context, batchIndex, globalStep);
            }
            catch (Exception failure)
            {
                CallbackDispatch.HandleFailure(context, callback, Hook.ValidationBatchStart, failure);
            }
        }
    }

    /// <inheritdoc/>
    public void OnValidationBatchEnd(TrainerContext context, in StepOutput output, int batchIndex, long globalStep)
    {
        foreach (ICallback callback in _tables[(int)Hook.ValidationBatchEnd])
        {
            try
            {
                callback.OnValidationBatchEnd(context, in output, batchIndex, globalStep);
            }
            catch (Exception failure)
            {
                CallbackDispatch.HandleFailure(context, callback, Hook.ValidationBatchEnd, failure);
            }
        }
    }

    /// <inheritdoc/>
    public void OnValidationEpochEnd(TrainerContext context, int epoch, MetricsView metrics)
    {
        foreach (ICallback callback in _tables[(int)Hook.ValidationEpochEnd])
        {
            try
            {
                callback.OnValidationEpochEnd(context, epoch, metrics);
            }
            catch (Exception failure)
            {
                CallbackDispatch.HandleFailure(context, callback, Hook.ValidationEpochEnd, failure);
            }
        }
    }

    /// <inheritdoc/>
    public void OnValidationEnd(TrainerContext context)
    {
        foreach (ICallback callback in _tables[(int)Hook.ValidationEnd])
        {
            try
            {
                callback.OnValidationEnd(context);
            }
            catch (Exception failure)
            {
                CallbackDispatch.HandleFailure(context, callback, Hook.ValidationEnd, failure);
            }
        }
    }

    /// <inheritdoc/>
    public void OnException(TrainerContext context, Exception exception)
    {
        foreach (ICallback callback in _tables[(int)Hook.Exception])
        {
            try
            {
                callback.OnException(context, exception);
            }
            catch (Exception failure)
            {
                CallbackDispatch.HandleFailure(context, callback, Hook.Exception, failure);
            }
        }
    }

    /// <inheritdoc/>
    public void OnSaveState(TrainerContext context, CallbackStateWriter writer)
    {
        foreach (ICallback callback in _tables[(int)Hook.SaveState])
        {
            CallbackDispatch.SaveState(context, callback, writer);
        }
    }

    /// <inheritdoc/>
    public void OnLoadState(TrainerContext context, CallbackStateReader reader)
    {
        foreach (ICallback callback in _tables[(int)Hook.LoadState])
        {
            CallbackDispatch.LoadState(context, callback, reader);
        }
    }
}
