using System;
using System.IO;
using System.Text;
using System.Text.Json;

namespace DreamTrainer.Distributed.Worker;

/// <summary>Each MPI primitive once, with values that tell the ranks apart; each rank writes what it got.</summary>
internal static class CollectivesCheck
{
    public static int Run(WorkerOptions options)
    {
        using MpiProcessGroup group = MpiProcessGroup.Initialize(options.Mpi());
        int rank = group.Rank;
        Directory.CreateDirectory(options.Output);
        string path = Path.Combine(options.Output, $"rank{rank}.collectives.json");
        if (options.FailRank >= 0)
        {
            return Fail(group, options.FailRank, path);
        }

        // 0.1 * (rank + 1) is inexact in binary: the sum shows the order in which ranks were added.
        double[] sum = { rank + 1, 0.1 * (rank + 1), -rank };
        double[] max = { rank, -rank, rank % 2 };
        double[] min = { rank, -rank, rank % 2 };
        float[] floats = { rank + 1, 0.5f * rank };
        group.AllReduce(sum, ReduceOperation.Sum);
        group.AllReduce(max, ReduceOperation.Max);
        group.AllReduce(min, ReduceOperation.Min);
        group.AllReduce(floats, ReduceOperation.Sum);

        int root = group.WorldSize - 1;
        byte[] message = new byte[32];
        if (rank == root)
        {
            Encoding.UTF8.GetBytes($"from rank {root}").CopyTo(message, 0);
        }

        group.Broadcast(message, root);
        group.Barrier();
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            rank,
            size = group.WorldSize,
            sum,
            max,
            min,
            floats,
            broadcast = Encoding.UTF8.GetString(message).TrimEnd('\0'),
        }));
        return 0;
    }

    private static int Fail(MpiProcessGroup group, int failRank, string path)
    {
        if (group.Rank == failRank)
        {
            var failure = new InvalidOperationException($"injected failure on rank {failRank}");
            group.ReportFailure(failure);
            File.WriteAllText(path, $"reported: {failure.Message}");
            Console.Error.WriteLine($"rank {group.Rank}: {failure.GetType().Name}: {failure.Message}");
            return 1;
        }

        try
        {
            group.Barrier();
            File.WriteAllText(path, "barrier returned");
            return 0;
        }
        catch (RankFailedException peer)
        {
            File.WriteAllText(path, $"{peer.GetType().Name}: {peer.Message}");
            Console.Error.WriteLine($"rank {group.Rank}: {peer.GetType().Name}: {peer.Message}");
            return 1;
        }
    }
}
