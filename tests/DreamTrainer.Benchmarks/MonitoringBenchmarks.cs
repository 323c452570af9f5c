using System;
using System.IO;
using BenchmarkDotNet.Attributes;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace DreamTrainer.Benchmarks;

/// <summary>
/// What watching a run costs per step: Fit over 100,000 steps (one epoch) of a module that does no
/// work, with nobody listening to the DreamTrainer meter (the baseline: every Fit pays this), with
/// the OpenTelemetry SDK listening (a meter provider with a pull reader, as behind a Prometheus
/// endpoint; collection itself happens on the scraper's thread and is not timed), and with a
/// <see cref="TensorBoardLogger"/> at its default interval. Divide differences by 100,000.
/// </summary>
[MemoryDiagnoser]
public class MonitoringBenchmarks
{
    /// <summary>Steps per run.</summary>
    public const int Steps = 100_000;

    private int[] _batches = null!;
    private NoOpModule _module = null!;
    private string _directory = null!;
    private MeterProvider? _provider;

    /// <summary>Creates the data and a scratch folder.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _batches = new int[Steps];
        _module = new NoOpModule();
        _directory = Path.Combine(Path.GetTempPath(), "dt-bench-tb-" + Guid.NewGuid().ToString("N"));
    }

    /// <summary>Also starts the OpenTelemetry SDK listening to the meter.</summary>
    [GlobalSetup(Target = nameof(FitWithOpenTelemetryListening))]
    public void SetupOpenTelemetry()
    {
        Setup();
        _provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(TrainerMeter.MeterName)
            .AddReader(new BaseExportingMetricReader(new DiscardingExporter()))
            .Build();
    }

    /// <summary>Stops the SDK and removes the scratch folder.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _provider?.Dispose();
        _provider = null;
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>Fit with no callbacks and no listener on the meter.</summary>
    [Benchmark(Baseline = true)]
    public long FitMeterWithoutListener() => Fit(new CallbackCollection());

    /// <summary>Fit with no callbacks while the OpenTelemetry SDK aggregates every instrument of the meter.</summary>
    [Benchmark]
    public long FitWithOpenTelemetryListening() => Fit(new CallbackCollection());

    /// <summary>Fit with a TensorBoardLogger at its defaults (step scalars every 50 steps, a flush per epoch).</summary>
    [Benchmark]
    public long FitWithTensorBoardLogger() => Fit(new CallbackCollection { new TensorBoardLogger(_directory) });

    private long Fit(CallbackCollection callbacks) =>
        new Trainer(new TrainerOptions { MaxEpochs = 1, RunName = "bench" }, callbacks).Fit(_module, _batches).GlobalStep;

    /// <summary>A pull exporter that drops what it is given.</summary>
    [ExportModes(ExportModes.Pull)]
    private sealed class DiscardingExporter : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch) => ExportResult.Success;
    }

    private sealed class NoOpModule : ITrainingModule<int>, ILearningRateControl
    {
        public int GroupCount => 1;

        public StepResult TrainingStep(int batch, TrainerContext context) => new(0.5, batchSize: 32);

        public StepResult ValidationStep(int batch, TrainerContext context) => new(0.5);

        public double GetLearningRate(int group) => 0.1;

        public void SetLearningRate(int group, double learningRate)
        {
        }

        public bool TryGetMomentum(int group, out double momentum)
        {
            momentum = 0.9;
            return true;
        }
    }
}
