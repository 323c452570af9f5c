using System;
using System.Diagnostics;

namespace DreamTrainer.Distributed.Worker;

/// <summary>A process group that times its collectives: float all-reduces (the gradients) apart from the rest (the trainer's synchronisation).</summary>
internal sealed class TimedProcessGroup : IProcessGroup
{
    private readonly IProcessGroup _inner;

    public TimedProcessGroup(IProcessGroup inner) => _inner = inner;

    public int Rank => _inner.Rank;

    public int WorldSize => _inner.WorldSize;

    /// <summary>Stopwatch ticks spent in gradient (float) all-reduces.</summary>
    public long GradientTicks { get; private set; }

    /// <summary>Stopwatch ticks spent in the other collectives.</summary>
    public long SynchronisationTicks { get; private set; }

    public void AllReduce(Span<double> values, ReduceOperation operation)
    {
        long start = Stopwatch.GetTimestamp();
        _inner.AllReduce(values, operation);
        SynchronisationTicks += Stopwatch.GetTimestamp() - start;
    }

    public void AllReduce(Span<float> values, ReduceOperation operation)
    {
        long start = Stopwatch.GetTimestamp();
        _inner.AllReduce(values, operation);
        GradientTicks += Stopwatch.GetTimestamp() - start;
    }

    public void Broadcast(Span<byte> buffer, int root)
    {
        long start = Stopwatch.GetTimestamp();
        _inner.Broadcast(buffer, root);
        SynchronisationTicks += Stopwatch.GetTimestamp() - start;
    }

    public void Barrier()
    {
        long start = Stopwatch.GetTimestamp();
        _inner.Barrier();
        SynchronisationTicks += Stopwatch.GetTimestamp() - start;
    }

    public void ReportFailure(Exception exception) => _inner.ReportFailure(exception);
}
