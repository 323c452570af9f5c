using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace DreamTrainer;

/// <summary>
/// The trainer's live metrics, published through <c>System.Diagnostics.Metrics</c> on the meter
/// <see cref="MeterName"/>: watch them with <c>dotnet-counters monitor --counters DreamTrainer</c> or
/// export them with OpenTelemetry (<c>AddMeter(TrainerMeter.MeterName)</c>). Every measurement carries
/// the tag <see cref="RunTag"/> with <see cref="TrainerOptions.RunName"/>, and in a data-parallel run
/// the tag <see cref="RankTag"/> (each rank is a process with its own meter; the epoch metrics are
/// the reduced ones, the same on every rank). With no listener the instruments cost a flag test per
/// step and allocate nothing.
/// </summary>
/// <remarks>
/// Counters give rates (steps/s, samples/s). Gauges are read when a listener collects:
/// <see cref="Loss"/> is the last step loss that some callback read (the meter never reads a loss
/// itself, so it never adds a device sync), <see cref="Metric"/> holds the values of the last
/// finished epoch (those of the JSON log).
/// </remarks>
public static class TrainerMeter
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "DreamTrainer";

    /// <summary>Tag on every measurement: the run name.</summary>
    public const string RunTag = "run";

    /// <summary>Tag on every measurement of a data-parallel run (world size above 1): the process's rank, from 0.</summary>
    public const string RankTag = "rank";

    /// <summary>Tag of <see cref="LearningRate"/>: the parameter group, from 0.</summary>
    public const string GroupTag = "group";

    /// <summary>Tag of <see cref="Metric"/>: the metric's name (<c>loss</c>, <c>val_loss</c>, <c>lr</c>, …).</summary>
    public const string MetricTag = "metric";

    /// <summary>Counter of training steps completed (<c>{step}</c>); its rate is steps per second.</summary>
    public const string Steps = "dreamtrainer.steps";

    /// <summary>Counter of training samples processed (<c>{sample}</c>, the steps' batch sizes); its rate is samples per second.</summary>
    public const string Samples = "dreamtrainer.samples";

    /// <summary>Histogram of the wall time of a training step with its hooks, in seconds.</summary>
    public const string StepDuration = "dreamtrainer.step.duration";

    /// <summary>Gauge of the current epoch, counting from 1.</summary>
    public const string Epoch = "dreamtrainer.epoch";

    /// <summary>Gauge of the last training-step loss a callback read.</summary>
    public const string Loss = "dreamtrainer.loss";

    /// <summary>Gauge of the learning rate per parameter group (tag <see cref="GroupTag"/>).</summary>
    public const string LearningRate = "dreamtrainer.learning_rate";

    /// <summary>Gauge of each metric of the last finished epoch (tag <see cref="MetricTag"/>).</summary>
    public const string Metric = "dreamtrainer.metric";

    internal static readonly Meter Meter = new(MeterName, typeof(TrainerMeter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);

    internal static readonly Counter<long> StepCounter = Meter.CreateCounter<long>(Steps, "{step}", "Training steps completed.");

    internal static readonly Counter<long> SampleCounter = Meter.CreateCounter<long>(Samples, "{sample}", "Training samples processed.");

    internal static readonly Histogram<double> StepDurationHistogram = Meter.CreateHistogram<double>(StepDuration, "s", "Wall time of a training step, hooks included.");

    internal static readonly ObservableGauge<int> EpochGauge = Meter.CreateObservableGauge(Epoch, RunTelemetry.ObserveEpochs, "{epoch}", "The current epoch, from 1.");

    internal static readonly ObservableGauge<double> LossGauge = Meter.CreateObservableGauge(Loss, RunTelemetry.ObserveLosses, null, "The last training-step loss a callback read.");

    internal static readonly ObservableGauge<double> LearningRateGauge = Meter.CreateObservableGauge(LearningRate, RunTelemetry.ObserveLearningRates, null, "The learning rate of each parameter group.");

    internal static readonly ObservableGauge<double> MetricGauge = Meter.CreateObservableGauge(Metric, RunTelemetry.ObserveMetrics, null, "Each metric of the last finished epoch.");

    internal static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);
}
