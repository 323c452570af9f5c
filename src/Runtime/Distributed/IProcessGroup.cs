using System;

namespace DreamTrainer;

/// <summary>
/// The process-group seam: the ranks of a data-parallel run and the few collective operations the
/// trainer and an engine need (all-reduce, broadcast, barrier). Every rank runs the same program
/// on its own shard of the data; the trainer takes the group from
/// <see cref="ITrainingModule{TBatch}.ProcessGroup"/> (default: <see cref="SingleProcessGroup"/>),
/// so the engine that all-reduces its gradients and the trainer that synchronises stop decisions
/// and metrics use the same group.
/// </summary>
/// <remarks>
/// <para>A collective must be called by every rank, in the same order, with the same sizes: it
/// returns when all ranks have joined. Implementations bound every wait: a peer that failed
/// (<see cref="ReportFailure"/>) makes the others throw <see cref="RankFailedException"/>, and a
/// peer that never arrives makes them throw <see cref="TimeoutException"/>, instead of hanging.</para>
/// <para>Not thread-safe: call it from one thread at a time (the training thread).</para>
/// </remarks>
public interface IProcessGroup
{
    /// <summary>This process's rank, from 0 to <see cref="WorldSize"/> - 1. Rank 0 does the run's side effects.</summary>
    int Rank { get; }

    /// <summary>The number of ranks (1 for a single process).</summary>
    int WorldSize { get; }

    /// <summary>Combines <paramref name="values"/> element-wise across all ranks; every rank receives the result in place.</summary>
    /// <param name="values">This rank's values; the reduced values on return.</param>
    /// <param name="operation">Sum, max or min.</param>
    void AllReduce(Span<double> values, ReduceOperation operation);

    /// <summary>Combines <paramref name="values"/> element-wise across all ranks (gradients); every rank receives the result in place.</summary>
    /// <param name="values">This rank's values; the reduced values on return.</param>
    /// <param name="operation">Sum, max or min.</param>
    void AllReduce(Span<float> values, ReduceOperation operation);

    /// <summary>Copies <paramref name="buffer"/> of rank <paramref name="root"/> into the same-sized buffer of every other rank.</summary>
    /// <param name="buffer">The root's data; on the other ranks, overwritten with it.</param>
    /// <param name="root">The rank whose data is sent.</param>
    void Broadcast(Span<byte> buffer, int root);

    /// <summary>Returns once every rank has called it.</summary>
    void Barrier();

    /// <summary>
    /// Tells the other ranks that this rank failed, so that none waits for it forever: their pending
    /// and later collectives throw <see cref="RankFailedException"/> naming this rank and
    /// <paramref name="exception"/>'s message. The trainer calls it when a run fails on this rank.
    /// </summary>
    /// <param name="exception">The failure.</param>
    void ReportFailure(Exception exception);
}
