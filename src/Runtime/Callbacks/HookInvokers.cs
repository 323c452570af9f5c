using System;

namespace DreamTrainer;

/// <summary>
/// One hook's call with its arguments, for <see cref="CallbackCollection"/>'s single dispatch loop.
/// Each invoker is a struct, so the loop is compiled once per hook with the call inlined: no
/// delegate, no allocation, no interface call for the invoker itself. The step output is not one of
/// its fields: batch-end hooks take it by reference, and a reference to a field of the invoker would
/// pin the invoker to the stack (measured: the dense collection row 30% slower); the loop passes the
/// caller's reference through instead.
/// </summary>
internal interface IHookInvoker
{
    void Invoke(ICallback callback, TrainerContext context, in StepOutput output);
}

/// <summary>The invokers, one per hook of the catalogue.</summary>
internal static class HookInvokers
{
    public readonly struct TrainStart : IHookInvoker
    {
        public void Invoke(ICallback callback, TrainerContext context, in StepOutput output) => callback.OnTrainStart(context);
    }

    public readonly struct TrainEpochStart(int epoch) : IHookInvoker
    {
        public void Invoke(ICallback callback, TrainerContext context, in StepOutput output) => callback.OnTrainEpochStart(context, epoch);
    }

    public readonly struct TrainBatchStart(int batchIndex, long globalStep) : IHookInvoker
    {
        public void Invoke(ICallback callback, TrainerContext context, in StepOutput output) => callback.OnTrainBatchStart(context, batchIndex, globalStep);
    }

    public readonly struct TrainBatchEnd(int batchIndex, long globalStep) : IHookInvoker
    {
        public void Invoke(ICallback callback, TrainerContext context, in StepOutput output) => callback.OnTrainBatchEnd(context, in output, batchIndex, globalStep);
    }

    public readonly struct TrainEpochEnd(int epoch, MetricsView metrics) : IHookInvoker
    {
        public void Invoke(ICallback callback, TrainerContext context, in StepOutput output) => callback.OnTrainEpochEnd(context, epoch, metrics);
    }

    public readonly struct TrainEnd(TrainEndReason reason) : IHookInvoker
    {
        public void Invoke(ICallback callback, TrainerContext context, in StepOutput output) => callback.OnTrainEnd(context, reason);
    }

    public readonly struct ValidationStart : IHookInvoker
    {
        public void Invoke(ICallback callback, TrainerContext context, in StepOutput output) => callback.OnValidationStart(context);
    }

    public readonly struct ValidationEpochStart(int epoch) : IHookInvoker
    {
        public void Invoke(ICallback callback, TrainerContext context, in StepOutput output) => callback.OnValidationEpochStart(context, epoch);
    }

    public readonly struct ValidationBatchStart(int batchIndex, long globalStep) : IHookInvoker
    {
        public void Invoke(ICallback callback, TrainerContext context, in StepOutput output) => callback.OnValidationBatchStart(context, batchIndex, globalStep);
    }

    public readonly struct ValidationBatchEnd(int batchIndex, long globalStep) : IHookInvoker
    {
        public void Invoke(ICallback callback, TrainerContext context, in StepOutput output) => callback.OnValidationBatchEnd(context, in output, batchIndex, globalStep);
    }

    public readonly struct ValidationEpochEnd(int epoch, MetricsView metrics) : IHookInvoker
    {
        public void Invoke(ICallback callback, TrainerContext context, in StepOutput output) => callback.OnValidationEpochEnd(context, epoch, metrics);
    }

    public readonly struct ValidationEnd : IHookInvoker
    {
        public void Invoke(ICallback callback, TrainerContext context, in StepOutput output) => callback.OnValidationEnd(context);
    }

    public readonly struct ExceptionHook(System.Exception exception) : IHookInvoker
    {
        public void Invoke(ICallback callback, TrainerContext context, in StepOutput output) => callback.OnException(context, exception);
    }

    public readonly struct AfterBackward(GradientView gradients, int batchIndex, long globalStep) : IHookInvoker
    {
        public void Invoke(ICallback callback, TrainerContext context, in StepOutput output) => callback.OnAfterBackward(context, gradients, batchIndex, globalStep);
    }

    public readonly struct BeforeOptimizerStep(GradientView gradients, int batchIndex, long globalStep) : IHookInvoker
    {
        public void Invoke(ICallback callback, TrainerContext context, in StepOutput output) => callback.OnBeforeOptimizerStep(context, gradients, batchIndex, globalStep);
    }

    public readonly struct BeforeZeroGrad(GradientView gradients, int batchIndex, long globalStep) : IHookInvoker
    {
        public void Invoke(ICallback callback, TrainerContext context, in StepOutput output) => callback.OnBeforeZeroGrad(context, gradients, batchIndex, globalStep);
    }
}
