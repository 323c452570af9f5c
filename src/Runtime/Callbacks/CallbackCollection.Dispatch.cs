using System;
using System.Runtime.CompilerServices;

namespace DreamTrainer;

// One method per hook. Tables without an isolated callback take the fast path: no exception handler
// (a handler would keep the JIT from inlining the dispatch), and a propagate-policy failure passes
// to the trainer, which names the callback from RunningCallback. Tables with an isolated callback,
// and OnException / OnTrainEnd (which must reach every callback), handle each failure in place.
public sealed partial class CallbackCollection
{
    /// <inheritdoc/>
    public void OnTrainStart(TrainerContext context)
    {
        DispatchTable table = _tables[(int)Hook.TrainStart];
        if (!table.HandlesFailures)
        {
            ICallback[] callbacks = table.Callbacks;
            _runningHook = (int)Hook.TrainStart;
            for (int i = 0; i < callbacks.Length; i++)
            {
                table.Running = i;
                callbacks[i].OnTrainStart(context);
            }

            table.Running = -1;
            return;
        }

        foreach (ICallback callback in table.Callbacks)
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
        DispatchTable table = _tables[(int)Hook.TrainEpochStart];
        if (!table.HandlesFailures)
        {
            ICallback[] callbacks = table.Callbacks;
            _runningHook = (int)Hook.TrainEpochStart;
            for (int i = 0; i < callbacks.Length; i++)
            {
                table.Running = i;
                callbacks[i].OnTrainEpochStart(context, epoch);
            }

            table.Running = -1;
            return;
        }

        foreach (ICallback callback in table.Callbacks)
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnTrainBatchStart(TrainerContext context, int batchIndex, long globalStep)
    {
        DispatchTable table = _tables[(int)Hook.TrainBatchStart];
        if (!table.HandlesFailures)
        {
            ICallback[] callbacks = table.Callbacks;
            _runningHook = (int)Hook.TrainBatchStart;
            for (int i = 0; i < callbacks.Length; i++)
            {
                table.Running = i;
                callbacks[i].OnTrainBatchStart(context, batchIndex, globalStep);
            }

            table.Running = -1;
            return;
        }

        foreach (ICallback callback in table.Callbacks)
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnTrainBatchEnd(TrainerContext context, in StepOutput output, int batchIndex, long globalStep)
    {
        DispatchTable table = _tables[(int)Hook.TrainBatchEnd];
        if (!table.HandlesFailures)
        {
            ICallback[] callbacks = table.Callbacks;
            _runningHook = (int)Hook.TrainBatchEnd;
            for (int i = 0; i < callbacks.Length; i++)
            {
                table.Running = i;
                callbacks[i].OnTrainBatchEnd(context, in output, batchIndex, globalStep);
            }

            table.Running = -1;
            return;
        }

        foreach (ICallback callback in table.Callbacks)
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
        DispatchTable table = _tables[(int)Hook.TrainEpochEnd];
        if (!table.HandlesFailures)
        {
            ICallback[] callbacks = table.Callbacks;
            _runningHook = (int)Hook.TrainEpochEnd;
            for (int i = 0; i < callbacks.Length; i++)
            {
                table.Running = i;
                callbacks[i].OnTrainEpochEnd(context, epoch, metrics);
            }

            table.Running = -1;
            return;
        }

        foreach (ICallback callback in table.Callbacks)
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
        DispatchTable table = _tables[(int)Hook.TrainEnd];
        foreach (ICallback callback in table.Callbacks)
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
        DispatchTable table = _tables[(int)Hook.ValidationStart];
        if (!table.HandlesFailures)
        {
            ICallback[] callbacks = table.Callbacks;
            _runningHook = (int)Hook.ValidationStart;
            for (int i = 0; i < callbacks.Length; i++)
            {
                table.Running = i;
                callbacks[i].OnValidationStart(context);
            }

            table.Running = -1;
            return;
        }

        foreach (ICallback callback in table.Callbacks)
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
        DispatchTable table = _tables[(int)Hook.ValidationEpochStart];
        if (!table.HandlesFailures)
        {
            ICallback[] callbacks = table.Callbacks;
            _runningHook = (int)Hook.ValidationEpochStart;
            for (int i = 0; i < callbacks.Length; i++)
            {
                table.Running = i;
                callbacks[i].OnValidationEpochStart(context, epoch);
            }

            table.Running = -1;
            return;
        }

        foreach (ICallback callback in table.Callbacks)
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnValidationBatchStart(TrainerContext context, int batchIndex, long globalStep)
    {
        DispatchTable table = _tables[(int)Hook.ValidationBatchStart];
        if (!table.HandlesFailures)
        {
            ICallback[] callbacks = table.Callbacks;
            _runningHook = (int)Hook.ValidationBatchStart;
            for (int i = 0; i < callbacks.Length; i++)
            {
                table.Running = i;
                callbacks[i].OnValidationBatchStart(context, batchIndex, globalStep);
            }

            table.Running = -1;
            return;
        }

        foreach (ICallback callback in table.Callbacks)
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnValidationBatchEnd(TrainerContext context, in StepOutput output, int batchIndex, long globalStep)
    {
        DispatchTable table = _tables[(int)Hook.ValidationBatchEnd];
        if (!table.HandlesFailures)
        {
            ICallback[] callbacks = table.Callbacks;
            _runningHook = (int)Hook.ValidationBatchEnd;
            for (int i = 0; i < callbacks.Length; i++)
            {
                table.Running = i;
                callbacks[i].OnValidationBatchEnd(context, in output, batchIndex, globalStep);
            }

            table.Running = -1;
            return;
        }

        foreach (ICallback callback in table.Callbacks)
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
        DispatchTable table = _tables[(int)Hook.ValidationEpochEnd];
        if (!table.HandlesFailures)
        {
            ICallback[] callbacks = table.Callbacks;
            _runningHook = (int)Hook.ValidationEpochEnd;
            for (int i = 0; i < callbacks.Length; i++)
            {
                table.Running = i;
                callbacks[i].OnValidationEpochEnd(context, epoch, metrics);
            }

            table.Running = -1;
            return;
        }

        foreach (ICallback callback in table.Callbacks)
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
        DispatchTable table = _tables[(int)Hook.ValidationEnd];
        if (!table.HandlesFailures)
        {
            ICallback[] callbacks = table.Callbacks;
            _runningHook = (int)Hook.ValidationEnd;
            for (int i = 0; i < callbacks.Length; i++)
            {
                table.Running = i;
                callbacks[i].OnValidationEnd(context);
            }

            table.Running = -1;
            return;
        }

        foreach (ICallback callback in table.Callbacks)
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
        DispatchTable table = _tables[(int)Hook.Exception];
        foreach (ICallback callback in table.Callbacks)
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
        foreach (ICallback callback in _tables[(int)Hook.SaveState].Callbacks)
        {
            CallbackDispatch.SaveState(context, callback, writer);
        }
    }

    /// <inheritdoc/>
    public void OnLoadState(TrainerContext context, CallbackStateReader reader)
    {
        foreach (ICallback callback in _tables[(int)Hook.LoadState].Callbacks)
        {
            CallbackDispatch.LoadState(context, callback, reader);
        }
    }
}
