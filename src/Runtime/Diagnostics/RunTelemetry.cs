using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Threading;

namespace DreamTrainer;

/// <summary>
/// One run's side of <see cref="TrainerMeter"/>: the trainer calls it at step, epoch and run
/// boundaries on the training thread; listeners read its gauges from their own thread. Each call
/// tests whether its instrument has a listener first, so with none a step costs a few flag tests
/// and allocates nothing. Runs register while they train so the gauges report every live run.
/// </summary>
internal sealed class RunTelemetry
{
    private static readonly object Gate = new();
    private static RunTelemetry[] s_live = Array.Empty<RunTelemetry>();

    private readonly TrainerContext _context;
    private readonly KeyValuePair<string, object?>[] _runTags;
    private readonly TagList _tags;
    private KeyValuePair<string, object?>[][] _groupTags = Array.Empty<KeyValuePair<string, object?>[]>();
    private double[] _rates = Array.Empty<double>();
    private (KeyValuePair<string, object?>[] Tags, double Value)[] _metrics = Array.Empty<(KeyValuePair<string, object?>[], double)>();
    private double _loss;
    private int _hasLoss;
    private int _epoch;

    public RunTelemetry(TrainerContext context)
    {
        _context = context;
        KeyValuePair<string, object?> run = TrainerMeter.Tag(TrainerMeter.RunTag, context.RunName);

        // Each rank of a data-parallel run publishes its own measurements: the rank tag tells them apart once exported together.
        _runTags = context.WorldSize > 1
            ? new[] { run, TrainerMeter.Tag(TrainerMeter.RankTag, context.Rank.ToString(CultureInfo.InvariantCulture)) }
            : new[] { run };
        _tags = new TagList(_runTags);
    }

    /// <summary>Registers the run with the gauges.</summary>
    public void Begin()
    {
        int groups = _context.ParameterGroupCount;
        _groupTags = new KeyValuePair<string, object?>[groups][];
        _rates = new double[groups];
        for (int group = 0; group < groups; group++)
        {
            _groupTags[group] = [.. _runTags, TrainerMeter.Tag(TrainerMeter.GroupTag, group.ToString(CultureInfo.InvariantCulture))];
            _rates[group] = double.NaN;
        }

        ReadLearningRates();
        lock (Gate)
        {
            var live = new RunTelemetry[s_live.Length + 1];
            s_live.CopyTo(live, 0);
            live[^1] = this;
            Volatile.Write(ref s_live, live);
        }
    }

    /// <summary>Removes the run from the gauges.</summary>
    public void End()
    {
        lock (Gate)
        {
            int index = Array.IndexOf(s_live, this);
            if (index < 0)
            {
                return;
            }

            var live = new RunTelemetry[s_live.Length - 1];
            Array.Copy(s_live, 0, live, 0, index);
            Array.Copy(s_live, index + 1, live, index, live.Length - index);
            Volatile.Write(ref s_live, live);
        }
    }

    /// <summary>A timestamp when step durations are listened to, else 0.</summary>
    public long StepStarting() => TrainerMeter.StepDurationHistogram.Enabled ? Stopwatch.GetTimestamp() : 0;

    /// <summary>After a step and its batch-end hooks.</summary>
    public void StepEnded(long started, LossCell loss)
    {
        if (TrainerMeter.StepCounter.Enabled)
        {
            TrainerMeter.StepCounter.Add(1, in _tags);
        }

        if (TrainerMeter.SampleCounter.Enabled)
        {
            TrainerMeter.SampleCounter.Add(loss.BatchSize, in _tags);
        }

        if (started != 0 && TrainerMeter.StepDurationHistogram.Enabled)
        {
            TrainerMeter.StepDurationHistogram.Record((Stopwatch.GetTimestamp() - started) / (double)Stopwatch.Frequency, in _tags);
        }

        // Only a loss some callback already read: the meter never causes a device sync.
        if (loss.IsRead && TrainerMeter.LossGauge.Enabled)
        {
            Volatile.Write(ref _loss, loss.Read());
            Volatile.Write(ref _hasLoss, 1);
        }

        if (TrainerMeter.LearningRateGauge.Enabled)
        {
            ReadLearningRates();
        }
    }

    /// <summary>When an epoch starts (<paramref name="epoch"/> from 0).</summary>
    public void EpochStarted(int epoch)
    {
        Volatile.Write(ref _epoch, epoch + 1);
        if (TrainerMeter.LearningRateGauge.Enabled)
        {
            ReadLearningRates();
        }
    }

    /// <summary>After the epoch-end hooks: the epoch's metrics become the metric gauge's values.</summary>
    public void EpochEnded(MetricsView metrics)
    {
        if (!TrainerMeter.MetricGauge.Enabled)
        {
            return;
        }

        var values = new (KeyValuePair<string, object?>[] Tags, double Value)[metrics.Count];
        int i = 0;
        foreach (KeyValuePair<string, double> metric in metrics)
        {
            values[i++] = ([.. _runTags, TrainerMeter.Tag(TrainerMeter.MetricTag, metric.Key)], metric.Value);
        }

        Volatile.Write(ref _metrics, values);
    }

    internal static IEnumerable<Measurement<int>> ObserveEpochs()
    {
        foreach (RunTelemetry run in Volatile.Read(ref s_live))
        {
            int epoch = Volatile.Read(ref run._epoch);
            if (epoch > 0)
            {
                yield return new Measurement<int>(epoch, run._runTags);
            }
        }
    }

    internal static IEnumerable<Measurement<double>> ObserveLosses()
    {
        foreach (RunTelemetry run in Volatile.Read(ref s_live))
        {
            if (Volatile.Read(ref run._hasLoss) != 0)
            {
                yield return new Measurement<double>(Volatile.Read(ref run._loss), run._runTags);
            }
        }
    }

    internal static IEnumerable<Measurement<double>> ObserveLearningRates()
    {
        foreach (RunTelemetry run in Volatile.Read(ref s_live))
        {
            double[] rates = run._rates;
            for (int group = 0; group < rates.Length; group++)
            {
                double rate = Volatile.Read(ref rates[group]);
                if (!double.IsNaN(rate))
                {
                    yield return new Measurement<double>(rate, run._groupTags[group]);
                }
            }
        }
    }

    internal static IEnumerable<Measurement<double>> ObserveMetrics()
    {
        foreach (RunTelemetry run in Volatile.Read(ref s_live))
        {
            foreach ((KeyValuePair<string, object?>[] tags, double value) in Volatile.Read(ref run._metrics))
            {
                yield return new Measurement<double>(value, tags);
            }
        }
    }

    private void ReadLearningRates()
    {
        ILearningRateControl? control = _context.LearningRates;
        if (control is null)
        {
            return;
        }

        for (int group = 0; group < _rates.Length; group++)
        {
            Volatile.Write(ref _rates[group], control.GetLearningRate(group));
        }
    }
}
