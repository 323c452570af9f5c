using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace DreamTrainer.Tests.Parity;

/// <summary>
/// The parity suites' stand-in for Keras' Sequential and Lightning's BoringModel: per-epoch
/// scripted losses and metrics, an optimizer with any number of parameter groups (and momentum
/// when given), and a "weight" that records the last epoch trained so snapshot, restore and
/// checkpoint loading are observable.
/// </summary>
internal sealed class ParityModule : ITrainingModule<int>, ILearningRateControl, IModelStateControl
{
    private readonly List<(string Name, Func<TrainerContext, double> Value, MetricReduction Reduction)> _trainLogs = new();
    private readonly List<(string Name, Func<TrainerContext, double> Value, MetricReduction Reduction)> _validationLogs = new();

    public ParityModule(params double[] rates) => Rates = rates.Length == 0 ? new[] { 0.1 } : rates;

    public double[] Rates { get; }

    /// <summary>The momentum (or beta1) of every group, or null for an optimizer without one.</summary>
    public double? Momentum { get; set; }

    /// <summary>The epoch index whose training last changed the weights (-1 before training).</summary>
    public int Weight { get; set; } = -1;

    /// <summary>The training loss of a step, by epoch index; default 1.</summary>
    public Func<int, double> TrainLoss { get; set; } = _ => 1.0;

    /// <summary>The validation loss, by epoch index; default 1.</summary>
    public Func<int, double> ValidationLoss { get; set; } = _ => 1.0;

    /// <summary>Called at the start of every training step (to throw, count, …).</summary>
    public Action<TrainerContext>? OnTrainingStep { get; set; }

    /// <summary>Called at the start of every validation step.</summary>
    public Action<TrainerContext>? OnValidationStep { get; set; }

    public IReadOnlyDictionary<string, MonitorMode>? MetricDirections { get; set; }

    /// <summary>False: the trainer sees no learning-rate seam (no <c>lr</c> metric), like a Keras model without a scheduler.</summary>
    public bool ExposesLearningRates { get; set; } = true;

    ILearningRateControl? ITrainingModule<int>.LearningRates => ExposesLearningRates ? this : null;

    public int GroupCount => Rates.Length;

    public int TrainingSteps { get; private set; }

    /// <summary>Logs <paramref name="name"/> in every training step.</summary>
    public ParityModule LogInTraining(string name, Func<TrainerContext, double> value, MetricReduction reduction = MetricReduction.Last)
    {
        _trainLogs.Add((name, value, reduction));
        return this;
    }

    /// <summary>Logs <paramref name="name"/> in every validation step.</summary>
    public ParityModule LogInValidation(string name, Func<TrainerContext, double> value, MetricReduction reduction = MetricReduction.Last)
    {
        _validationLogs.Add((name, value, reduction));
        return this;
    }

    /// <summary>Logs <paramref name="values"/>[epoch] (the last value past the end) in every validation step.</summary>
    public ParityModule ValidationScript(string name, params double[] values) =>
        LogInValidation(name, c => values[Math.Min(c.Epoch, values.Length - 1)]);

    /// <summary>Logs <paramref name="values"/>[epoch] in every training step.</summary>
    public ParityModule TrainingScript(string name, params double[] values) =>
        LogInTraining(name, c => values[Math.Min(c.Epoch, values.Length - 1)]);

    public StepResult TrainingStep(int batch, TrainerContext context)
    {
        OnTrainingStep?.Invoke(context);
        TrainingSteps++;
        Weight = context.Epoch;
        foreach ((string name, Func<TrainerContext, double> value, MetricReduction reduction) in _trainLogs)
        {
            context.Log(name, value(context), reduction);
        }

        return TrainLoss(context.Epoch);
    }

    public StepResult ValidationStep(int batch, TrainerContext context)
    {
        OnValidationStep?.Invoke(context);
        foreach ((string name, Func<TrainerContext, double> value, MetricReduction reduction) in _validationLogs)
        {
            context.Log(name, value(context), reduction);
        }

        return ValidationLoss(context.Epoch);
    }

    public double GetLearningRate(int group) => Rates[group];

    public void SetLearningRate(int group, double learningRate) => Rates[group] = learningRate;

    public bool TryGetMomentum(int group, out double momentum)
    {
        momentum = Momentum ?? double.NaN;
        return Momentum is not null;
    }

    public void Save(Stream destination) => new BinaryWriter(destination).Write(Weight);

    public void Load(Stream source) => Weight = new BinaryReader(source).ReadInt32();

    public object CreateSnapshot() => Weight;

    public void Restore(object snapshot) => Weight = (int)snapshot;
}

/// <summary>A module whose optimizer grows parameter groups during training (Lightning's BackboneFinetuning).</summary>
internal sealed class GrowingModule : ITrainingModule<int>, ILearningRateControl
{
    public List<double> Rates { get; } = new() { 0.1 };

    public int GroupCount => Rates.Count;

    public StepResult TrainingStep(int batch, TrainerContext context) => 1.0;

    public StepResult ValidationStep(int batch, TrainerContext context) => 1.0;

    public double GetLearningRate(int group) => Rates[group];

    public void SetLearningRate(int group, double learningRate) => Rates[group] = learningRate;

    public bool TryGetMomentum(int group, out double momentum)
    {
        momentum = double.NaN;
        return false;
    }
}

/// <summary>A clock that moves a fixed amount each time it is read (Lightning mocks <c>time.monotonic</c> the same way).</summary>
internal sealed class SteppingClock : TimeProvider
{
    private readonly long _step;
    private long _now;

    public SteppingClock(TimeSpan step) => _step = step.Ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp()
    {
        long now = _now;
        _now += _step;
        return now;
    }
}

/// <summary>A temporary folder per test, and the file listings the peers' tests compare.</summary>
public abstract class ParityFolder : IDisposable
{
    protected ParityFolder() => Root = Path.Combine(Path.GetTempPath(), "dt-parity-" + Guid.NewGuid().ToString("N"));

    protected string Root { get; }

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>The checkpoint files in <paramref name="folder"/> (the manifest left out), sorted.</summary>
    protected static string[] Checkpoints(string folder) =>
        Directory.Exists(folder)
            ? Directory.GetFiles(folder, "*.ckpt").Select(f => Path.GetFileName(f)!).OrderBy(n => n, StringComparer.Ordinal).ToArray()
            : Array.Empty<string>();

    protected static int[] Batches(int count) => Enumerable.Range(0, count).ToArray();
}
