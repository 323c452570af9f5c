using System;
using System.Linq;
using System.Reflection;
using DreamTrainer.Generators.Tests.Infrastructure;
using Xunit;

namespace DreamTrainer.Generators.Tests;

/// <summary>Zero bytes per dispatched OnTrainBatchEnd through generated code, measured after warm-up.</summary>
[Collection(nameof(AllocationTests))]
[CollectionDefinition(nameof(AllocationTests), DisableParallelization = true)]
public class AllocationTests
{
    private static readonly Lazy<Assembly> Generated = new(() => TestCompilation.GenerateAndLoad("""
        using DreamTrainer;

        namespace Samples;

        [Callback(Priority = 5)]
        public sealed partial class Counter
        {
            public long Calls;
            [OnTrainBatchEnd] void Count(in StepOutput output, long globalStep) => Calls += globalStep >= 0 ? 1 : 0;
        }

        public sealed partial class EpochOnly
        {
            [OnTrainEpochEnd] void End() { }
        }

        [CallbackPipeline]
        public sealed partial class Pipeline
        {
            public Counter A { get; } = new();
            public EpochOnly B { get; } = new();
            public Counter C { get; } = new();
            public EpochOnly D { get; } = new();
            public EpochOnly E { get; } = new();
            public EpochOnly F { get; } = new();
            public EpochOnly G { get; } = new();
            public Counter H { get; } = new();
            public EpochOnly I { get; } = new();
            public EpochOnly J { get; } = new();
        }
        """));

    private static long Measure(ICallbackDispatcher dispatcher)
    {
        TrainerContext context = new Testing.CallbackTestHarness(dispatcher).Context;
        StepOutput output = StepOutput.FromLoss(0.5);
        for (int i = 0; i < 1_000; i++)
        {
            dispatcher.OnTrainBatchEnd(context, in output, i, i);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            dispatcher.OnTrainBatchEnd(context, in output, i, i);
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void A_generated_pipeline_dispatches_OnTrainBatchEnd_without_allocating()
    {
        var pipeline = (ICallbackDispatcher)Activator.CreateInstance(Generated.Value.GetType("Samples.Pipeline")!)!;

        Assert.Equal(0, Measure(pipeline));
        Assert.All(pipeline.Callbacks.Where(c => c.GetType().Name == "Counter"), c => Assert.Equal(11_000L, (long)((dynamic)c).Calls));
    }

    [Fact]
    public void A_CallbackCollection_of_generated_callbacks_dispatches_OnTrainBatchEnd_without_allocating()
    {
        var pipeline = (ICallbackDispatcher)Activator.CreateInstance(Generated.Value.GetType("Samples.Pipeline")!)!;
        var collection = new CallbackCollection(pipeline.Callbacks);

        Assert.Equal(0, Measure(collection));
        Assert.Equal(3, collection.GetDispatchOrder(Hook.TrainBatchEnd).Length);
    }
}
