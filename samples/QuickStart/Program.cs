using System;
using DreamTrainer;
using DreamTrainer.Samples.QuickStart;

// dotnet run --project samples/QuickStart [-- --epochs 40 --output artifacts/quickstart]
// mpirun -np 4 dotnet run --project samples/QuickStart --no-build -- --distributed   (data-parallel on 4 ranks)
var options = new QuickStartOptions();
bool distributed = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--epochs" when i + 1 < args.Length:
            options = options with { Epochs = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture) };
            break;
        case "--output" when i + 1 < args.Length:
            options = options with { OutputDirectory = args[++i] };
            break;
        case "--distributed":
            distributed = true;
            break;
        default:
            Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: QuickStart [--epochs N] [--output DIR] [--distributed]");
            return 2;
    }
}

// One rank per process started by mpirun; disposing the group finalizes MPI (or ends the whole job after a failure).
using MpiProcessGroup? group = distributed ? MpiProcessGroup.Initialize() : null;
try
{
    QuickStartResult result = QuickStartApp.Run(options, Console.Out, group);
    return result.ValidationAccuracy > 0.9 ? 0 : 1;
}
catch (Exception failure) when (group is not null)
{
    // Every rank says why it stops (a peer's failure names that rank) before the job ends.
    Console.Error.WriteLine($"rank {group.Rank}: {failure.GetType().Name}: {failure.Message}");
    return 1;
}
