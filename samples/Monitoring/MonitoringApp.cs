using System;
using System.Collections.Generic;
using System.IO;
using DreamTrainer.Samples.Digits;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace DreamTrainer.Samples.Monitoring;

/// <summary>What the Monitoring run takes.</summary>
/// <param name="Epochs">The epoch budget.</param>
/// <param name="OutputDirectory">Where the JSON log and the TensorBoard runs go (<c>runs/&lt;run name&gt;</c> inside it).</param>
/// <param name="RunName">The run's name (the <c>run</c> label in Prometheus, the TensorBoard run); null: <c>digits-&lt;time&gt;</c>.</param>
/// <param name="LogEveryNSteps">TensorBoard step scalars every this many steps.</param>
/// <param name="BatchSize">Training images per step.</param>
public sealed record MonitoringOptions(int Epochs = 20, string OutputDirectory = "artifacts/monitoring", string? RunName = null, int LogEveryNSteps = 10, int BatchSize = 32);

/// <summary>What the Monitoring run produced.</summary>
/// <param name="RunName">The run's name.</param>
/// <param name="Result">The trainer's result.</param>
/// <param name="LogPath">The JSON training log.</param>
/// <param name="EventFile">The TensorBoard event file.</param>
public sealed record MonitoringResult(string RunName, TrainResult Result, string LogPath, string EventFile);

/// <summary>The meter provider and the scrape endpoint, stopped together.</summary>
public sealed class MetricsExporter : IDisposable
{
    private readonly MeterProvider _provider;

    internal MetricsExporter(MeterProvider provider, PrometheusEndpoint endpoint)
    {
        _provider = provider;
        Endpoint = endpoint;
    }

    /// <summary>The endpoint Prometheus scrapes.</summary>
    public PrometheusEndpoint Endpoint { get; }

    /// <summary>Stops the endpoint, then the provider.</summary>
    public void Dispose()
    {
        Endpoint.Dispose();
        _provider.Dispose();
    }
}

/// <summary>
/// Trains the digits MLP while TensorBoard and Prometheus watch: a <see cref="TensorBoardLogger"/>
/// writes event files, and the trainer's <c>DreamTrainer</c> meter goes through the OpenTelemetry
/// SDK to <c>http://127.0.0.1:&lt;port&gt;/metrics</c>.
/// </summary>
public static class MonitoringApp
{
    /// <summary>Step-time buckets in seconds (OpenTelemetry's defaults are meant for milliseconds).</summary>
    public static readonly double[] StepTimeBuckets = { 0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5 };

    /// <summary>Exports the DreamTrainer meter through OpenTelemetry on a loopback port.</summary>
    /// <param name="port">The port Prometheus scrapes.</param>
    /// <returns>The running exporter; dispose it to stop.</returns>
    public static MetricsExporter StartExporter(int port)
    {
        var exporter = new PrometheusTextExporter();
        var reader = new BaseExportingMetricReader(exporter) { TemporalityPreference = MetricReaderTemporalityPreference.Cumulative };
        MeterProvider provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(TrainerMeter.MeterName)
            .AddView(TrainerMeter.StepDuration, new ExplicitBucketHistogramConfiguration { Boundaries = StepTimeBuckets })
            .AddReader(reader)
            .Build();
        try
        {
            return new MetricsExporter(provider, new PrometheusEndpoint(port, reader, exporter));
        }
        catch
        {
            provider.Dispose();
            throw;
        }
    }

    /// <summary>Trains and logs.</summary>
    /// <param name="options">Epochs, output folder, run name.</param>
    /// <param name="output">Where to print.</param>
    /// <param name="extraCallbacks">More callbacks for the run.</param>
    /// <returns>The run's name, result and files.</returns>
    public static MonitoringResult Train(MonitoringOptions options, TextWriter output, params ICallback[] extraCallbacks)
    {
        string directory = Path.GetFullPath(options.OutputDirectory);
        string runName = options.RunName ?? "digits-" + DateTime.Now.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        string logPath = Path.Combine(directory, runName + ".json");

        DigitsData data = DigitsData.Load();
        (int[] trainIndices, int[] validationIndices) = data.Split(validationFraction: 0.2, seed: 42);
        var train = new DigitsLoader(trainIndices, options.BatchSize, shuffleSeed: 1);
        var validation = new DigitsLoader(validationIndices, batchSize: 128);
        var model = new DigitsMlp(data, hidden: 64, learningRate: 0.05);

        var tensorBoard = new TensorBoardLogger(Path.Combine(directory, TensorBoardLogger.DefaultRoot, runName), options.LogEveryNSteps);
        var callbacks = new CallbackCollection
        {
            new ProgressBar(refreshRate: 5, output: output),
            new WarmupCosineScheduler(baseLearningRate: 0.05, warmupEpochs: Math.Clamp(options.Epochs - 1, 0, 3), totalEpochs: options.Epochs),
            tensorBoard,
            new JsonTrainingLogger(logPath),
        };
        foreach (ICallback callback in extraCallbacks)
        {
            callbacks.Add(callback);
        }

        var trainer = new Trainer(new TrainerOptions { MaxEpochs = options.Epochs, RunName = runName }, callbacks);
        TrainResult result = trainer.Fit(model, train, validation);
        return new MonitoringResult(runName, result, logPath, tensorBoard.FilePath!);
    }

    /// <summary>The lines that tell a person where to look.</summary>
    /// <param name="result">The run.</param>
    /// <param name="options">Its options.</param>
    /// <param name="scrapeUrl">The scrape endpoint, or null.</param>
    /// <returns>The lines.</returns>
    public static IEnumerable<string> WhereToLook(MonitoringResult result, MonitoringOptions options, string? scrapeUrl)
    {
        yield return $"Run '{result.RunName}' ended: {result.Result.Reason} after {result.Result.EpochsCompleted} epochs.";
        yield return $"  TensorBoard   tensorboard --logdir {Path.Combine(Path.GetFullPath(options.OutputDirectory), TensorBoardLogger.DefaultRoot)}   (event file {result.EventFile})";
        yield return $"  JSON log      {result.LogPath}";
        if (scrapeUrl is not null)
        {
            yield return $"  Prometheus    scrape {scrapeUrl}; e.g. dreamtrainer_metric{{run=\"{result.RunName}\",metric=\"val_loss\"}}";
        }
    }
}
