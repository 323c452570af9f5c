using System;
using Xunit;

namespace DreamTrainer.Tests;

/// <summary>
/// Zero allocation, measured: GC.GetAllocatedBytesForCurrentThread around many dispatches or
/// steps after warm-up. These run in their own collection so no parallel test shares the thread's count.
/// </summary>
[Collection(nameof(AllocationTests))]
[CollectionDefinition(nameof(AllocationTests), DisableParallelization = true)]
public class AllocationTests
{
    private static CallbackCollection TenCallbacksThreeImplementingBatchEnd(out CountingCallback[] callbacks)
    {
        callbacks = new CountingCallback[10];
        var collection = new CallbackCollection();
        for (int i = 0; i < callbacks.Length; i++)
        {
            callbacks[i] = new CountingCallback($"cb{i}", implementsBatchEnd: i % 3 == 0 && i < 9);
            collection.Add(callbacks[i]);
        }

        return collection;
    }

    [Fact]
    public void Ten_thousand_OnTrainBatchEnd_dispatches_through_a_CallbackCollection_allocate_nothing()
    {
        CallbackCollection collection = TenCallbacksThreeImplementingBatchEnd(out CountingCallback[] callbacks);
        TrainerContext context = new Testing.CallbackTestHarness(collection).Context;
        StepOutput output = StepOutput.FromLoss(0.5);
        for (int i = 0; i < 1_000; i++)
        {
            collection.OnTrainBatchEnd(context, in output, i, i);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            collection.OnTrainBatchEnd(context, in output, i, i);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(3, Array.FindAll(callbacks, c => c.Calls == 11_000).Length);
        Assert.Equal(7, Array.FindAll(callbacks, c => c.Calls == 0).Length);
    }

    [Fact]
    public void Ten_thousand_training_steps_of_Fit_on_a_no_op_module_allocate_nothing()
    {
        CallbackCollection collection = TenCallbacksThreeImplementingBatchEnd(out CountingCallback[] callbacks);
        var meter = new StepAllocationMeter(firstStep: 2_000, lastStep: 12_000);
        collection.Add(meter);
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 1 }, collection);
        int[] batches = Data.Batches(13_000);

        // Warm-up run: JIT, tiering and first-time metric slots.
        trainer.Fit(new NoOpModule(), batches, null);
        TrainResult result = trainer.Fit(new NoOpModule(), batches, null);

        Assert.Equal(13_000, result.GlobalStep);
        Assert.True(meter.Measured, "the meter saw both steps");
        Assert.Equal(0, meter.AllocatedBytes);
    }
}

/// <summary>Reads the thread's allocation count at two steps of one epoch (runs last at batch end).</summary>
internal sealed class StepAllocationMeter : ICallback
{
    private readonly long _firstStep;
    private readonly long _lastStep;
    private long _start;

    public StepAllocationMeter(long firstStep, long lastStep)
    {
        _firstStep = firstStep;
        _lastStep = lastStep;
    }

    public long AllocatedBytes { get; private set; } = -1;

    public bool Measured { get; private set; }

    public HookMask Hooks => HookMask.TrainBatchEnd;

    public string StateKey => "meter";

    public CallbackErrorPolicy ErrorPolicy => CallbackErrorPolicy.Propagate;

    public int GetPriority(Hook hook) => -1000;

    public void OnTrainBatchEnd(TrainerContext context, in StepOutput output, int batchIndex, long globalStep)
    {
        if (globalStep == _firstStep)
        {
            Measured = false;
            _start = GC.GetAllocatedBytesForCurrentThread();
        }
        else if (globalStep == _lastStep)
        {
            AllocatedBytes = GC.GetAllocatedBytesForCurrentThread() - _start;
            Measured = true;
        }
    }
}
