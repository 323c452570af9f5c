using System;
using System.Globalization;

namespace DreamTrainer.Distributed.Worker;

/// <summary>What a worker run does; every rank gets the same options and acts on those naming its rank.</summary>
public sealed record WorkerOptions
{
    /// <summary>Where each rank writes its result (rank{r}.result.json) and the side-effect callbacks their files.</summary>
    public string Output { get; init; } = "worker-output";

    /// <summary>Side-effect files go to Output/rank{r}/ instead of Output/, to show which ranks wrote.</summary>
    public bool ArtifactsPerRank { get; init; }

    /// <summary>The epoch budget.</summary>
    public int Epochs { get; init; } = 3;

    /// <summary>The learning-rate schedule's length in epochs (default: Epochs), so an interrupted run can share the schedule of the whole one.</summary>
    public int ScheduleEpochs { get; init; }

    /// <summary>The global batch size.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Hidden units of the MLP.</summary>
    public int Hidden { get; init; } = 32;

    /// <summary>Training images used (the first of the shuffled split), to keep runs short.</summary>
    public int TrainImages { get; init; } = 600;

    /// <summary>Validation images used.</summary>
    public int ValidationImages { get; init; } = 200;

    /// <summary>A rank that requests a stop (with StopEpoch at that epoch's end, or with StopStep after that step).</summary>
    public int StopRank { get; init; } = -1;

    /// <summary>The epoch (from 0) at whose end StopRank requests the stop.</summary>
    public int StopEpoch { get; init; } = -1;

    /// <summary>The global step (from 0) after which StopRank requests the stop.</summary>
    public long StopStep { get; init; } = -1;

    /// <summary>A rank whose training step throws at FailStep.</summary>
    public int FailRank { get; init; } = -1;

    /// <summary>The global step (from 0) whose training step throws on FailRank.</summary>
    public long FailStep { get; init; } = -1;

    /// <summary>A rank whose training step never returns at HangStep.</summary>
    public int HangRank { get; init; } = -1;

    /// <summary>The global step (from 0) at which HangRank hangs.</summary>
    public long HangStep { get; init; } = -1;

    /// <summary>MpiOptions.Timeout in seconds.</summary>
    public double TimeoutSeconds { get; init; } = 120;

    /// <summary>MpiOptions.ShutdownTimeout in seconds.</summary>
    public double ShutdownSeconds { get; init; } = 10;

    /// <summary>A checkpoint to resume from.</summary>
    public string? Resume { get; init; }

    /// <summary>Write a checkpoint each epoch (CheckpointCallback, last.ckpt) into the artifacts folder.</summary>
    public bool Checkpoints { get; init; } = true;

    /// <summary>Parses <c>--name value</c> pairs.</summary>
    public static WorkerOptions Parse(string[] args)
    {
        var options = new WorkerOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            int Int() => int.Parse(Value(), CultureInfo.InvariantCulture);
            options = name switch
            {
                "--output" => options with { Output = Value() },
                "--artifacts-per-rank" => options with { ArtifactsPerRank = true },
                "--epochs" => options with { Epochs = Int() },
                "--schedule-epochs" => options with { ScheduleEpochs = Int() },
                "--batch" => options with { BatchSize = Int() },
                "--hidden" => options with { Hidden = Int() },
                "--train-images" => options with { TrainImages = Int() },
                "--validation-images" => options with { ValidationImages = Int() },
                "--stop-rank" => options with { StopRank = Int() },
                "--stop-epoch" => options with { StopEpoch = Int() },
                "--stop-step" => options with { StopStep = Int() },
                "--fail-rank" => options with { FailRank = Int() },
                "--fail-step" => options with { FailStep = Int() },
                "--hang-rank" => options with { HangRank = Int() },
                "--hang-step" => options with { HangStep = Int() },
                "--timeout" => options with { TimeoutSeconds = double.Parse(Value(), CultureInfo.InvariantCulture) },
                "--shutdown" => options with { ShutdownSeconds = double.Parse(Value(), CultureInfo.InvariantCulture) },
                "--resume" => options with { Resume = Value() },
                "--no-checkpoints" => options with { Checkpoints = false },
                _ => throw new ArgumentException($"Unknown option '{name}'."),
            };
        }

        return options;
    }

    /// <summary>The MPI options these worker options ask for.</summary>
    public MpiOptions Mpi() => new()
    {
        Timeout = TimeSpan.FromSeconds(TimeoutSeconds),
        ShutdownTimeout = TimeSpan.FromSeconds(ShutdownSeconds),
    };
}
