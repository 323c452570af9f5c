using System;

namespace DreamTrainer;

/// <summary>
/// One hook's call with its arguments, for <see cref="CallbackCollection"/>'s single dispatch loop.
/// Each invoker is a struct, so the loop is compiled once per hook with the call inlined: no
/// delegate, no allocation, no interface call for the invoker itself.
/// </summary>
internal interface IHookInvoker
{
    void Invoke(ICallback callback, TrainerContext context);
}

/// <summary>The invokers, one per hook of the catalogue.</summary>
internal static class HookInvokers
{
    public readonly struct TrainStart : IHookInvoker
    {
        public void Invoke(ICallback callback, TrainerContext context) => callback.OnTrainStart(context);
    }

    public readonly struct TrainEpochStart(int epoch) : IHookInvoker
    {
        public void Invoke(ICallback callback, TrainerContext context) => callback.OnTrainEpochStart(context, epoch);
    }

    public readonly struct TrainBatchStart(int batchIndex, long globalStep) : IHookInvoker
    {
        public void Invoke(ICallback callback, TrainerContext context) => callback.OnTrainBatchStart(context, batchIndex, globalStep);
    }

    public readonly struct TrainBatchEnd(StepOutput output, int batchIndex, long globalStep) : IHookInvoker
    {
        public void Invoke(ICallback callback, TrainerContext context) => callback.OnTrainBatchEnd(context, in output, batchIndex, globalStep);
    }

    public readonly struct TrainEpochEnd(int epoch, MetricsView metrics) : IHookInvoker
    {
        public void Invoke(ICallback callback, TrainerContext context) => callback.OnTrainEpochEnd(context, epoch, metrics);
    }

    public readonly struct TrainEnd(TrainEndReason reason) : IHookInvoker
    {
        public void Invoke(ICallback callback, TrainerContext context) => callback.OnTrainEnd(context, reason);
    }

    public readonly struct ValidationStart : IHookInvoker
    {
        public void Invoke(ICallback callback, TrainerContext context) => callback.OnValidationStart(context);
    }

    public readonly struct ValidationEpochStart(int epoch) : IHookInvoker
    {
        public void Invoke(ICallback callback, TrainerContext context) => callback.OnValidationEpochStart(context, epoch);
    }

    public readonly struct ValidationBatchStart(int batchIndex, long globalStep) : IHookInvoker
    {
        public void Invoke(ICallback callback, TrainerContext context) => callback.OnValidationBatchStart(context, batchIndex, globalStep);
    }

    public readonly struct ValidationBatchEnd(StepOutput output, int batchIndex, long globalStep) : IHookInvoker
    {
        public void Invoke(ICallback callback, TrainerContext context) => callback.OnValidationBatchEnd(context, in output, batchIndex, globalStep);
    }

    public readonly struct ValidationEpochEnd(int epoch, MetricsView metrics) : IHookInvoker
    {
        public void Invoke(ICallback callback, TrainerContext context) => callback.OnValidationEpochEnd(context, epoch, metrics);
    }

    public readonly struct ValidationEnd : IHookInvoker
    {
        public void Invoke(ICallback callback, TrainerContext context) => callback.OnValidationEnd(context);
    }

    public readonly struct ExceptionHook(System.Exception exception) : IHookInvoker
    {
        public void Invoke(ICallback callback, TrainerContext context) => callback.OnException(context, exception);
    }

    public readonly struct AfterBackward(GradientView gradients, int batchIndex, long globalStep) : IHookInvoker
    {
        public void Invoke(ICallback callback, TrainerContext context) => callback.OnAfterBackward(context, gradients, batchIndex, globalStep);
    }

    public readonly struct BeforeOptimizerStep(GradientView gradients, int batchIndex, long globalStep) : IHookInvoker
    {
        public void Invoke(ICallback callback, TrainerContext context) => callback.OnBeforeOptimizerStep(context, gradients, batchIndex, globalStep);
    }

    public readonly struct BeforeZeroGrad(GradientView gradients, int batchIndex, long globalStep) : IHookInvoker
    {
        public void Invoke(ICallback callback, TrainerContext context) => callback.OnBeforeZeroGrad(context, gradients, batchIndex, globalStep);
    }
}
