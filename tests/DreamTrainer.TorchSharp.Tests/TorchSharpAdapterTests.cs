using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DreamTrainer.Samples.Digits;
using DreamTrainer.Samples.TorchSharpDigits;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace DreamTrainer.TorchSharp.Tests;

public sealed class TorchSharpAdapterTests : IDisposable
{
    private static readonly Lazy<DigitsData> Data = new(() => DigitsData.Load());
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public TorchSharpAdapterTests(Xunit.Abstractions.ITestOutputHelper output) => _output = output;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "dt-torch-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static (DigitsLoader Train, DigitsLoader Validation, int[] ValidationIndices) Loaders()
    {
        (int[] train, int[] validation) = Data.Value.Split(0.2, seed: 42);
        return (new DigitsLoader(train, 32, shuffleSeed: 1), new DigitsLoader(validation, 128), validation);
    }

    [Fact]
    public void The_sample_setup_reaches_over_90_percent_validation_accuracy_with_the_callbacks()
    {
        var (train, validation, validationIndices) = Loaders();
        using DigitsClassifier module = DigitsClassifier.Create(Data.Value);
        var callbacks = new CallbackCollection
        {
            new ProgressBar(refreshRate: 10, output: TextWriter.Null, interactive: false),
            new WarmupCosineScheduler(0.05, 3, 20),
            new EarlyStoppingCallback(patience: 6, restoreBestWeights: true),
            new CheckpointCallback(Path.Combine(_directory, "ckpt")),
            new JsonTrainingLogger(Path.Combine(_directory, "log.json")),
        };

        TrainResult result = new Trainer(new TrainerOptions { MaxEpochs = 20 }, callbacks).Fit(module, train, validation);

        _output.WriteLine($"accuracy {module.Accuracy(validationIndices):F4} after {result.EpochsCompleted} epochs on {module.Device.type}");
        Assert.True(module.Accuracy(validationIndices) > 0.9, $"accuracy {module.Accuracy(validationIndices)}");
        Assert.True(File.Exists(Path.Combine(_directory, "ckpt", "last.ckpt")));
        Assert.True(result.EpochsCompleted > 0);
    }

    [Fact]
    public void A_schedulers_learning_rate_change_is_visible_in_the_optimizers_param_groups()
    {
        var (train, _, _) = Loaders();
        using DigitsClassifier module = DigitsClassifier.Create(Data.Value, learningRate: 0.1);
        var seen = new List<double>();
        var probe = new LambdaCallback { OnTrainEpochEnd = (context, epoch, metrics) => seen.Add(module.TorchOptimizer.ParamGroups.Single().LearningRate), Priority = -1 };

        new Trainer(new TrainerOptions { MaxEpochs = 6 }, new CallbackCollection { new StepLRScheduler(0.5, 2, verbose: false), probe }).Fit(module, train);

        Assert.Equal(new[] { 0.1, 0.1, 0.05, 0.05, 0.025, 0.025 }, seen.Select(v => Math.Round(v, 12)));
    }

    [Fact]
    public void Restore_best_weights_restores_exactly_the_best_epochs_tensors()
    {
        var (train, validation, _) = Loaders();
        using DigitsClassifier module = DigitsClassifier.Create(Data.Value, learningRate: 0.3);
        var perEpoch = new List<Dictionary<string, float[]>>();
        var losses = new List<double>();
        var recorder = new LambdaCallback
        {
            Priority = 100,
            OnTrainEpochEnd = (context, epoch, metrics) =>
            {
                losses.Add(metrics["val_loss"]);
                perEpoch.Add(module.Model.state_dict().ToDictionary(e => e.Key, e => e.Value.cpu().data<float>().ToArray()));
            },
        };
        var stopping = new EarlyStoppingCallback(patience: 3, restoreBestWeights: true);

        new Trainer(new TrainerOptions { MaxEpochs = 15 }, new CallbackCollection { recorder, stopping }).Fit(module, train, validation);

        int best = losses.IndexOf(losses.Min());
        _output.WriteLine($"val_loss per epoch: {string.Join(", ", losses.Select(l => l.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))}; best epoch {best}, stopped at {stopping.StoppedEpoch}");
        Assert.Equal(best, stopping.BestEpoch);
        foreach ((string name, Tensor tensor) in module.Model.state_dict())
        {
            Assert.Equal(perEpoch[best][name], tensor.cpu().data<float>().ToArray());
        }

        Assert.NotEqual(perEpoch[^1]["fc1.weight"], perEpoch[best]["fc1.weight"]);
    }

    [Fact]
    public void With_only_a_progress_bar_refreshing_every_10_steps_the_loss_is_read_at_most_once_per_10_steps()
    {
        var (train, _, _) = Loaders();
        using DigitsClassifier module = DigitsClassifier.Create(Data.Value);
        var bar = new ProgressBar(refreshRate: 10, output: TextWriter.Null, interactive: false, redirectedIntervalSeconds: 0);
        const int epochs = 3;

        TrainResult result = new Trainer(new TrainerOptions { MaxEpochs = epochs }, new CallbackCollection { bar }).Fit(module, train);

        // Reads: the bar's, plus one per epoch for the epoch mean (accumulated on the device).
        long stepReads = module.LossReads - epochs;
        _output.WriteLine($"{stepReads} step reads ({bar.Refreshes} refreshes) + {epochs} epoch-mean reads for {result.GlobalStep} steps");
        Assert.Equal(bar.LossReads, stepReads);
        Assert.True(stepReads * 10 <= result.GlobalStep, $"{stepReads} reads for {result.GlobalStep} steps");
        Assert.Equal(epochs * (train.Count / 10), stepReads);
    }

    [Fact]
    public void The_samples_device_syncs_are_its_loss_reads_plus_one_accuracy_read_per_validation_batch_and_no_blocking_copy_on_the_cpu()
    {
        var (train, validation, _) = Loaders();
        using DigitsClassifier module = DigitsClassifier.Create(Data.Value);
        var bar = new ProgressBar(refreshRate: 10, output: TextWriter.Null, interactive: false, redirectedIntervalSeconds: 0);
        const int epochs = 3;

        new Trainer(new TrainerOptions { MaxEpochs = epochs }, new CallbackCollection { bar }).Fit(module, train, validation);

        // Loss reads: the bar's, and one epoch mean per phase per epoch.
        Assert.Equal(bar.LossReads + (2 * epochs), module.LossReads);
        Assert.Equal(0, module.BlockingCopies);
        Assert.Equal(module.LossReads + (epochs * validation.Count), module.DeviceSyncs);
    }
}
