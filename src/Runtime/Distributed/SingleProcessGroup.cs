using System;

namespace DreamTrainer;

/// <summary>
/// The process group of a run in one process: rank 0 of 1. Every collective returns at once and
/// leaves its buffer as it is (the reduction of one value is that value). The trainer's default.
/// </summary>
public sealed class SingleProcessGroup : IProcessGroup
{
    private SingleProcessGroup()
    {
    }

    /// <summary>The one instance.</summary>
    public static SingleProcessGroup Instance { get; } = new();

    /// <inheritdoc/>
    public int Rank => 0;

    /// <inheritdoc/>
    public int WorldSize => 1;

    /// <inheritdoc/>
    public void AllReduce(Span<double> values, ReduceOperation operation) => ProcessGroupChecks.Check(operation);

    /// <inheritdoc/>
    public void AllReduce(Span<float> values, ReduceOperation operation) => ProcessGroupChecks.Check(operation);

    /// <inheritdoc/>
    public void Broadcast(Span<byte> buffer, int root) => ProcessGroupChecks.CheckRoot(root, 1);

    /// <inheritdoc/>
    public void Barrier()
    {
    }

    /// <inheritdoc/>
    public void ReportFailure(Exception exception) => ArgumentNullException.ThrowIfNull(exception);
}
