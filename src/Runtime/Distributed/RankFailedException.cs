using System;

namespace DreamTrainer;

/// <summary>
/// Thrown on the healthy ranks of a data-parallel run when another rank failed
/// (<see cref="IProcessGroup.ReportFailure"/>): the run ends on every rank, naming the rank that
/// failed and its error, instead of waiting forever in a collective that rank never joins.
/// </summary>
public sealed class RankFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="failedRank">The rank that failed.</param>
    /// <param name="rank">The rank that observed it.</param>
    /// <param name="worldSize">The number of ranks.</param>
    /// <param name="failure">The failed rank's error, as it reported it (type and message).</param>
    public RankFailedException(int failedRank, int rank, int worldSize, string failure)
        : base($"Rank {failedRank} of {worldSize} failed: {failure} (seen on rank {rank}).")
    {
        FailedRank = failedRank;
        Rank = rank;
        WorldSize = worldSize;
        Failure = failure;
    }

    /// <summary>The rank that failed.</summary>
    public int FailedRank { get; }

    /// <summary>The rank that observed the failure (this process).</summary>
    public int Rank { get; }

    /// <summary>The number of ranks.</summary>
    public int WorldSize { get; }

    /// <summary>The failed rank's error: its type and message.</summary>
    public string Failure { get; }
}
