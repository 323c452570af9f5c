using System;
using static DreamTrainer.HookInvokers;

namespace DreamTrainer;

// Every hook goes through one loop, Dispatch<TInvoker>: the invoker is a struct per hook, so the JIT
// compiles the loop once per hook with the invoker's call inlined. The invoker travels by value and holds no
// field a hook takes by reference: once its address escapes, its fields are re-read from the stack
// on every call (measured 2.5x slower passed by `in`, and 30% slower on dense tables holding the
// step output). Tables without an isolated callback take the fast path: no handler per call, and a
// propagate-policy failure passes to the trainer, which names the callback from RunningCallback.
// Tables with an isolated callback, and OnException / OnTrainEnd (which must reach every callback),
// handle each failure in place, in the same method: with the handlers elsewhere (a call) the JIT
// keeps the hook's arguments in the registers the fast loop needs and spills the loop's index
// instead, which cost 0.4 ns a callback (all 10 of 10: 11.2 against 7.5 ns; docs/performance.md).
public sealed partial class CallbackCollection
{
    // What the loop passes hooks that have no step output.
    private static readonly StepOutput NoOutput = default;

    /// <inheritdoc/>
    public void OnTrainStart(TrainerContext context) => Dispatch(Hook.TrainStart, context, default(TrainStart));

    /// <inheritdoc/>
    public void OnTrainEpochStart(TrainerContext context, int epoch) => Dispatch(Hook.TrainEpochStart, context, new TrainEpochStart(epoch));

    /// <inheritdoc/>
    public void OnTrainBatchStart(TrainerContext context, int batchIndex, long globalStep) =>
        Dispatch(Hook.TrainBatchStart, context, new TrainBatchStart(batchIndex, globalStep));

    /// <inheritdoc/>
    public void OnTrainBatchEnd(TrainerContext context, in StepOutput output, int batchIndex, long globalStep) =>
        Dispatch(Hook.TrainBatchEnd, context, new TrainBatchEnd(batchIndex, globalStep), in output);

    /// <inheritdoc/>
    public void OnTrainEpochEnd(TrainerContext context, int epoch, MetricsView metrics) => Dispatch(Hook.TrainEpochEnd, context, new TrainEpochEnd(epoch, metrics));

    /// <inheritdoc/>
    public void OnTrainEnd(TrainerContext context, TrainEndReason reason) => Dispatch(Hook.TrainEnd, context, new TrainEnd(reason));

    /// <inheritdoc/>
    public void OnValidationStart(TrainerContext context) => Dispatch(Hook.ValidationStart, context, default(ValidationStart));

    /// <inheritdoc/>
    public void OnValidationEpochStart(TrainerContext context, int epoch) => Dispatch(Hook.ValidationEpochStart, context, new ValidationEpochStart(epoch));

    /// <inheritdoc/>
    public void OnValidationBatchStart(TrainerContext context, int batchIndex, long globalStep) =>
        Dispatch(Hook.ValidationBatchStart, context, new ValidationBatchStart(batchIndex, globalStep));

    /// <inheritdoc/>
    public void OnValidationBatchEnd(TrainerContext context, in StepOutput output, int batchIndex, long globalStep) =>
        Dispatch(Hook.ValidationBatchEnd, context, new ValidationBatchEnd(batchIndex, globalStep), in output);

    /// <inheritdoc/>
    public void OnValidationEpochEnd(TrainerContext context, int epoch, MetricsView metrics) =>
        Dispatch(Hook.ValidationEpochEnd, context, new ValidationEpochEnd(epoch, metrics));

    /// <inheritdoc/>
    public void OnValidationEnd(TrainerContext context) => Dispatch(Hook.ValidationEnd, context, default(ValidationEnd));

    /// <inheritdoc/>
    public void OnException(TrainerContext context, Exception exception) =>
        Dispatch(Hook.Exception, context, new ExceptionHook(exception));

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

    /// <inheritdoc/>
    public void OnAfterBackward(TrainerContext context, GradientView gradients, int batchIndex, long globalStep) =>
        Dispatch(Hook.AfterBackward, context, new AfterBackward(gradients, batchIndex, globalStep));

    /// <inheritdoc/>
    public void OnBeforeOptimizerStep(TrainerContext context, GradientView gradients, int batchIndex, long globalStep) =>
        Dispatch(Hook.BeforeOptimizerStep, context, new BeforeOptimizerStep(gradients, batchIndex, globalStep));

    /// <inheritdoc/>
    public void OnBeforeZeroGrad(TrainerContext context, GradientView gradients, int batchIndex, long globalStep) =>
        Dispatch(Hook.BeforeZeroGrad, context, new BeforeZeroGrad(gradients, batchIndex, globalStep));

    /// <summary>A hook without a step output.</summary>
    private void Dispatch<TInvoker>(Hook hook, TrainerContext context, TInvoker invoker)
        where TInvoker : struct, IHookInvoker => Dispatch(hook, context, invoker, in NoOutput);

    /// <summary>
    /// The dispatch shape every hook shares: its table's callbacks in order, the running one recorded;
    /// a handler per call when the table asks for one. One call from each hook method (the JIT does
    /// not inline a method with handlers): 3.5 ns for 2 callbacks of 10 and 7.5 ns for all 10, as
    /// the sixteen hand-written loops before it (docs/performance.md).
    /// </summary>
    private void Dispatch<TInvoker>(Hook hook, TrainerContext context, TInvoker invoker, in StepOutput output)
        where TInvoker : struct, IHookInvoker
    {
        DispatchTable table = _tables[(int)hook];
        if (!table.HandlesFailures)
        {
            ICallback[] callbacks = table.Callbacks;
            _runningHook = (int)hook;
            for (int i = 0; i < callbacks.Length; i++)
            {
                table.Running = i;
                invoker.Invoke(callbacks[i], context, in output);
            }

            table.Running = -1;
            return;
        }

        foreach (ICallback callback in table.Callbacks)
        {
            try
            {
                invoker.Invoke(callback, context, in output);
            }
            catch (Exception failure)
            {
                CallbackDispatch.HandleFailure(context, callback, hook, failure);
            }
        }
    }
}
