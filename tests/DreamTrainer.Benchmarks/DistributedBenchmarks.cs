using System;
using BenchmarkDotNet.Attributes;

namespace DreamTrainer.Benchmarks;

/// <summary>
/// What a data-parallel run adds to the trainer's own work per step, communication aside: Fit over
/// 100,000 steps of a module that does no work, in one process, and as rank 0 of 2 whose peer
/// always agrees (a process group that leaves every buffer as it is). The difference divided by
/// 100,000 is the cost of the per-step agreement (flags in, flags out) without the network; the
/// all-reduce itself is measured under mpirun (docs/performance.md, "Data-parallel scaling").
/// </summary>
[MemoryDiagnoser]
public class DistributedBenchmarks
{
    private int[] _batches = null!;
    private Module _single = null!;
    private Module _rankZeroOfTwo = null!;

    /// <summary>Creates the data and the modules.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _batches = new int[LoopBenchmarks.Steps];
        _single = new Module(null);
        _rankZeroOfTwo = new Module(new AgreeingPeerGroup());
    }

    /// <summary>One process: no agreement at all.</summary>
    [Benchmark(Baseline = true)]
    public long FitOneProcess() => new Trainer(new TrainerOptions { MaxEpochs = 1 }).Fit(_single, _batches).GlobalStep;

    /// <summary>Rank 0 of 2: one all-reduce of 8 flags before each step, answered at once.</summary>
    [Benchmark]
    public long FitRankZeroOfTwo() => new Trainer(new TrainerOptions { MaxEpochs = 1 }).Fit(_rankZeroOfTwo, _batches).GlobalStep;

    private sealed class Module(IProcessGroup? group) : ITrainingModule<int>
    {
        public IProcessGroup? ProcessGroup => group;

        public StepResult TrainingStep(int batch, TrainerContext context) => new(0.5);

        public StepResult ValidationStep(int batch, TrainerContext context) => new(0.5);
    }

    /// <summary>Rank 0 of 2 whose peer contributes what this rank does: every collective returns the buffer unchanged.</summary>
    private sealed class AgreeingPeerGroup : IProcessGroup
    {
        public int Rank => 0;

        public int WorldSize => 2;

        public void AllReduce(Span<double> values, ReduceOperation operation)
        {
        }

        public void AllReduce(Span<float> values, ReduceOperation operation)
        {
        }

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
