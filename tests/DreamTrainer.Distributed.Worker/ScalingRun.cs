namespace DreamTrainer.Distributed.Worker;

/// <summary>Placeholder replaced below.</summary>
internal static class ScalingRun
{
    public static int Run(WorkerOptions options) => 0;
}
