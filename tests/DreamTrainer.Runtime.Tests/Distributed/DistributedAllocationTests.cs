using System;
using Xunit;

namespace DreamTrainer.Tests.Distributed;

/// <summary>A training step across ranks (the per-step agreement included) allocates nothing.</summary>
[Collection(nameof(AllocationTests))]
public class DistributedAllocationTests
{
    [Fact]
    public void Ten_thousand_steps_of_a_two_rank_run_allocate_nothing_in_the_trainer()
    {
        var group = new EchoGroup();
        var meter = new StepAllocationMeter(firstStep: 2_000, lastStep: 12_000);
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 1 }, new CallbackCollection { meter });
        int[] batches = Data.Batches(13_000);

        trainer.Fit(new EchoModule(group), batches, null);
        int before = group.AllReduces;
        TrainResult result = trainer.Fit(new EchoModule(group), batches, null);

        Assert.Equal(13_000, result.GlobalStep);
        Assert.True(group.AllReduces - before >= 13_000, "one agreement per step at least");
        Assert.True(meter.Measured, "the meter saw both steps");
        Assert.Equal(0, meter.AllocatedBytes);
    }

    private sealed class EchoModule(IProcessGroup group) : ITrainingModule<int>
    {
        public IProcessGroup? ProcessGroup => group;

        public StepResult TrainingStep(int batch, TrainerContext context) => new(0.5);

        public StepResult ValidationStep(int batch, TrainerContext context) => new(0.25);
    }

    /// <summary>Rank 0 of 2 whose peer always agrees: every collective leaves the buffer as it is.</summary>
    private sealed class EchoGroup : IProcessGroup
    {
        public int Rank => 0;

        public int WorldSize => 2;

        public int AllReduces { get; private set; }

        public void AllReduce(Span<double> values, ReduceOperation operation) => AllReduces++;

        public void AllReduce(Span<float> values, ReduceOperation operation) => AllReduces++;

        public void Broadcast(Span<byte> buffer, int root)
        {
        }

        public void Barrier()
        {
        }

        public void ReportFailure(Exception exception)
        {
        }
    }
}
