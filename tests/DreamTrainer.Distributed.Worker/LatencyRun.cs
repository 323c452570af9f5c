using System;
using System.Diagnostics;
using System.Globalization;

namespace DreamTrainer.Distributed.Worker;

/// <summary>
/// The time of one collective with nothing else to do, as docs/performance.md reports it: the
/// trainer's per-step agreement (8 doubles), the digits MLP's gradients with hidden 64 (4,811
/// floats) and 1024 (76,811 floats), and a barrier. Each after a warm-up; the mean over many calls, on rank 0.
/// </summary>
internal static class LatencyRun
{
    public static int Run(WorkerOptions options)
    {
        using MpiProcessGroup group = MpiProcessGroup.Initialize(options.Mpi());
        double flags = Time(2_000, 20_000, null, new double[8], group);
        double small = Time(1_000, 10_000, null, new float[4_811], group);
        double large = Time(100, 1_000, null, new float[76_811], group);
        double barrier = Time(2_000, 20_000, group.Barrier, null, group);
        if (group.Rank == 0)
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"ranks={group.WorldSize} allreduce_8_doubles_us={flags:F1} allreduce_4811_floats_us={small:F1} allreduce_76811_floats_us={large:F1} barrier_us={barrier:F1}"));
        }

        return 0;
    }

    private static double Time(int warmUp, int calls, Action? action, Array? buffer, IProcessGroup group)
    {
        void Once()
        {
            switch (buffer)
            {
                case double[] doubles:
                    group.AllReduce(doubles, ReduceOperation.Max);
                    break;
                case float[] floats:
                    group.AllReduce(floats, ReduceOperation.Sum);
                    break;
                default:
                    action!();
                    break;
            }
        }

        for (int i = 0; i < warmUp; i++)
        {
            Once();
        }

        group.Barrier();
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < calls; i++)
        {
            Once();
        }

        return (Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency / calls;
    }
}
