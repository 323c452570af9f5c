using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace DreamTrainer.Tests.Monitoring;

/// <summary>The DreamTrainer meter, read through a MeterListener as dotnet-counters and OpenTelemetry read it.</summary>
[Collection(nameof(TrainerMeterTests))]
public class TrainerMeterTests
{
    [Fact]
    public void Steps_samples_and_step_times_are_measured_once_per_step_tagged_with_the_run_name()
    {
        string run = "meter-" + Guid.NewGuid().ToString("N");
        using var capture = new MeterCapture(run);

        TrainResult result = new Trainer(new TrainerOptions { MaxEpochs = 2, RunName = run }).Fit(new SizedModule(batchSize: 4), Data.Batches(3));

        Assert.Equal(6, result.GlobalStep);
        Assert.Equal(Enumerable.Repeat(1.0, 6), capture.Of(TrainerMeter.Steps).Select(m => m.Value));
        Assert.Equal(Enumerable.Repeat(4.0, 6), capture.Of(TrainerMeter.Samples).Select(m => m.Value));
        IReadOnlyList<Measured> durations = capture.Of(TrainerMeter.StepDuration);
        Assert.Equal(6, durations.Count);
        Assert.All(durations, d => Assert.InRange(d.Value, 0, 10));
        Assert.All(capture.Of(TrainerMeter.Steps), m => Assert.Equal(new[] { TrainerMeter.RunTag }, m.Tags.Keys));
    }

    [Fact]
    public void Gauges_report_the_epoch_from_1_the_rate_of_each_group_and_the_last_epoch_metrics_and_stop_with_the_run()
    {
        string run = "gauges-" + Guid.NewGuid().ToString("N");
        using var capture = new MeterCapture(run);
        var module = new SizedModule(batchSize: 2);
        var snapshots = new List<(int Epoch, Dictionary<string, double> Metrics, Dictionary<string, double> Rates)>();
        void Snapshot(TrainerContext context)
        {
            capture.Clear();
            capture.Collect();
            snapshots.Add((
                (int)Assert.Single(capture.Of(TrainerMeter.Epoch)).Value,
                capture.Of(TrainerMeter.Metric).ToDictionary(m => m.Tags[TrainerMeter.MetricTag]!, m => m.Value),
                capture.Of(TrainerMeter.LearningRate).ToDictionary(m => m.Tags[TrainerMeter.GroupTag]!, m => m.Value)));
        }

        var probe = new LambdaCallback
        {
            OnTrainEpochStart = (context, epoch) =>
            {
                module.Rates[1] = 0.01 * (epoch + 1);
                Snapshot(context);
            },
            OnTrainEnd = (context, reason) => Snapshot(context),
        };

        TrainResult result = new Trainer(new TrainerOptions { MaxEpochs = 2, RunName = run }, new CallbackCollection { probe }).Fit(module, Data.Batches(3), new[] { 1 });

        Assert.Equal(new[] { 1, 2, 2 }, snapshots.Select(s => s.Epoch));
        Assert.Empty(snapshots[0].Metrics);
        Assert.Equal(result.History[0].OrderBy(p => p.Key), snapshots[1].Metrics.OrderBy(p => p.Key));
        Assert.Equal(result.History[1].OrderBy(p => p.Key), snapshots[2].Metrics.OrderBy(p => p.Key));
        Assert.Equal(new Dictionary<string, double> { ["0"] = 0.1, ["1"] = 0.0 }, snapshots[0].Rates);
        Assert.Equal(new Dictionary<string, double> { ["0"] = 0.1, ["1"] = 0.01 }, snapshots[1].Rates);
        Assert.Equal(new Dictionary<string, double> { ["0"] = 0.1, ["1"] = 0.02 }, snapshots[2].Rates);

        capture.Clear();
        capture.Collect();
        Assert.Empty(capture.Of(TrainerMeter.Epoch));
        Assert.Empty(capture.Of(TrainerMeter.Metric));
    }

    [Fact]
    public void The_loss_gauge_shows_only_losses_callbacks_read_and_the_meter_never_reads_one_itself()
    {
        string run = "loss-" + Guid.NewGuid().ToString("N");
        using var capture = new MeterCapture(run);
        var module = new SizedModule(batchSize: 1);
        var losses = new List<double?>();
        var readAtStep2 = new LambdaCallback
        {
            OnTrainBatchEnd = (TrainerContext context, in StepOutput output, int batchIndex, long globalStep) =>
            {
                if (globalStep == 2)
                {
                    _ = output.Loss;
                }

                capture.Clear();
                capture.Collect();
                losses.Add(capture.Of(TrainerMeter.Loss).Select(m => (double?)m.Value).SingleOrDefault());
            },
        };
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 1, RunName = run }, new CallbackCollection { readAtStep2 });

        trainer.Fit(module, Data.Batches(5));

        // The gauge is read during batch end, before the trainer takes the step's read loss.
        Assert.Equal(new double?[] { null, null, null, 0.5 + 2, 0.5 + 2 }, losses);
        Assert.Equal(1, trainer.Context!.ScalarReads);
    }

    /// <summary>A module with a batch size, two parameter groups and a loss of 0.5 + step.</summary>
    private sealed class SizedModule : ITrainingModule<int>, ILearningRateControl
    {
        private readonly int _batchSize;

        public SizedModule(int batchSize) => _batchSize = batchSize;

        public double[] Rates { get; } = { 0.1, 0.0 };

        public int GroupCount => Rates.Length;

        public StepResult TrainingStep(int batch, TrainerContext context) => new(0.5 + context.GlobalStep, _batchSize);

        public StepResult ValidationStep(int batch, TrainerContext context) => new(0.25, _batchSize);

        public double GetLearningRate(int group) => Rates[group];

        public void SetLearningRate(int group, double learningRate) => Rates[group] = learningRate;

        public bool TryGetMomentum(int group, out double momentum)
        {
            momentum = double.NaN;
            return false;
        }
    }
}
