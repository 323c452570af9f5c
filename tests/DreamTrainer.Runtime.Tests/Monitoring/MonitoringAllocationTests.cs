using System;
using System.Diagnostics.Metrics;
using System.IO;
using DreamTrainer.Tests.BuiltIns;
using DreamTrainer.Tests.Common;
using Xunit;

namespace DreamTrainer.Tests.Monitoring;

/// <summary>Monitoring keeps a training step allocation-free: the TensorBoard logger on the steps it writes, the meter with a listener attached.</summary>
[Collection(nameof(AllocationTests))]
public class MonitoringAllocationTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "dt-tb-alloc-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void Training_steps_with_a_TensorBoardLogger_writing_every_10_steps_allocate_nothing()
    {
        var logger = new TensorBoardLogger(_directory, logEveryNSteps: 10);
        var meter = new StepAllocationMeter(firstStep: 2_000, lastStep: 12_000);
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 1 }, new CallbackCollection { logger, meter });
        int[] batches = Data.Batches(13_000);

        trainer.Fit(new ScriptedModule(new[] { 1.0 }), batches);
        trainer.Fit(new ScriptedModule(new[] { 1.0 }), batches);

        Assert.True(meter.Measured);
        Assert.Equal(0, meter.AllocatedBytes);
        Assert.Equal(1_300, EventFileReader.Read(logger.FilePath!).Events.Count - 2);
    }

    [Fact]
    public void Training_steps_with_a_listener_on_every_instrument_of_the_meter_allocate_nothing()
    {
        long steps = 0;
        double seconds = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == TrainerMeter.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, state) => steps += value);
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, state) => seconds += value);
        listener.Start();
        var meter = new StepAllocationMeter(firstStep: 2_000, lastStep: 12_000);
        var reader = new LambdaCallback { OnTrainBatchEnd = (TrainerContext context, in StepOutput output, int batchIndex, long globalStep) => _ = output.Loss };
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 1 }, new CallbackCollection { reader, meter });
        int[] batches = Data.Batches(13_000);

        trainer.Fit(new ScriptedModule(new[] { 1.0 }), batches);
        trainer.Fit(new ScriptedModule(new[] { 1.0 }), batches);

        Assert.True(meter.Measured);
        Assert.Equal(0, meter.AllocatedBytes);
        Assert.True(steps >= 2 * 2 * 13_000, $"the listener saw {steps} steps and samples");
        Assert.True(seconds > 0);
    }
}
