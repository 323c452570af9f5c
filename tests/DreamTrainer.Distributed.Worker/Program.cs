using System;
using DreamTrainer.Distributed.Worker;

// mpirun -np N dotnet DreamTrainer.Distributed.Worker.dll collectives [--fail-rank R]
// mpirun -np N dotnet DreamTrainer.Distributed.Worker.dll train --output DIR [options: see WorkerOptions]
// mpirun -np N dotnet DreamTrainer.Distributed.Worker.dll scaling --epochs E --hidden H
// mpirun -np N dotnet DreamTrainer.Distributed.Worker.dll latency
if (args.Length == 0)
{
    Console.Error.WriteLine("Usage: DreamTrainer.Distributed.Worker collectives|train|scaling|latency [options]");
    return 2;
}

WorkerOptions options = WorkerOptions.Parse(args[1..]);
return args[0] switch
{
    "collectives" => CollectivesCheck.Run(options),
    "train" => TrainingRun.RunUnderMpi(options),
    "scaling" => ScalingRun.Run(options),
    "latency" => LatencyRun.Run(options),
    _ => Usage(args[0]),
};

static int Usage(string mode)
{
    Console.Error.WriteLine($"Unknown mode '{mode}': collectives, train, scaling or latency.");
    return 2;
}
