using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace DreamTrainer.Tests.Parity;

/// <summary>
/// Lightning-AI/pytorch-lightning, tests/tests_pytorch/callbacks/test_lr_monitor.py. The runtime's
/// seam is one optimizer with parameter groups and no optimizer class name, so names are
/// <c>lr</c> / <c>lr-pg1</c>… where Lightning writes <c>lr-SGD</c> / <c>lr-SGD/pg1</c> (a README
/// difference); the values are compared per epoch through the run's History.
/// Ported: test_lr_monitor_single_lr, test_lr_monitor_single_lr_with_momentum,
/// test_log_momentum_no_momentum_optimizer (warns; logs nothing where Lightning logs 0: README),
/// test_lr_monitor_no_lr_scheduler_single_lr, test_lr_monitor_no_lr_scheduler_single_lr_with_momentum,
/// test_log_momentum_no_momentum_optimizer_no_lr_scheduler, test_lr_monitor_param_groups,
/// test_multiple_optimizers_basefinetuning (its SGD, whose groups grow),
/// test_lr_monitor_multiple_param_groups_no_lr_scheduler, test_lr_monitor_update_callback_metrics,
/// test_lr_monitor_with_float64_lr, test_lr_monitor_log_key_prefix_none.
/// Not applicable: test_lr_monitor_no_logger (metrics need no logger here);
/// test_lr_monitor_multi_lrs and test_lr_monitor_no_lr_scheduler_multi_lrs (several optimizers:
/// the seam is one optimizer); test_lr_monitor_custom_name, test_lr_monitor_custom_pg_name and
/// test_lr_monitor_duplicate_custom_pg_names (named schedulers and groups: the seam has no names);
/// the weight-decay half of the momentum tests (no weight-decay seam). Deliberate difference:
/// test_lr_monitor_log_key_prefix, _with_momentum_and_weight_decay and _multi_optimizers (no key
/// prefix: the monitor and the trainer share one name per rate).
/// </summary>
public class LightningLearningRateMonitorTests
{
    private static TrainResult Fit(ILearningRateControl module, int epochs, params ICallback[] callbacks) =>
        new Trainer(new TrainerOptions { MaxEpochs = epochs }, new CallbackCollection(callbacks)).Fit((ITrainingModule<int>)module, new[] { 1, 2 }, new[] { 1 });

    private static double[] Series(TrainResult result, string name) => result.History.Select(h => h[name]).ToArray();

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/callbacks/test_lr_monitor.py::test_lr_monitor_single_lr
    [Fact]
    public void test_lr_monitor_single_lr()
    {
        TrainResult result = Fit(new ParityModule(0.1), 2, new LearningRateMonitor(), new StepLRScheduler(0.1, 1, verbose: false));

        Assert.Equal(new[] { 0.1, 0.01 }, Series(result, "lr"), new Close());
        Assert.DoesNotContain(result.History[0].Keys, k => k.StartsWith("momentum", StringComparison.Ordinal));
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/callbacks/test_lr_monitor.py::test_lr_monitor_single_lr_with_momentum
    [Theory]
    [InlineData(0.9)]
    [InlineData(0.95)]
    public void test_lr_monitor_single_lr_with_momentum(double momentum)
    {
        TrainResult result = Fit(new ParityModule(1e-2) { Momentum = momentum }, 2, new LearningRateMonitor(LoggingInterval.Step, logMomentum: true), new StepLRScheduler(0.5, 1, verbose: false));

        Assert.All(result.History, h => Assert.Equal(momentum, h["momentum"]));
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/callbacks/test_lr_monitor.py::test_log_momentum_no_momentum_optimizer
    [Fact]
    public void test_log_momentum_no_momentum_optimizer()
    {
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 2 }, new CallbackCollection { new LearningRateMonitor(LoggingInterval.Step, logMomentum: true), new StepLRScheduler(0.5, 1, verbose: false) });

        TrainResult result = trainer.Fit(new ParityModule(1e-2), new[] { 1, 2, 3 });

        // Warned once; deliberate difference: nothing is logged (Lightning logs a momentum of 0).
        Assert.Single(trainer.Context!.Warnings, w => w.Contains("has no momentum", StringComparison.Ordinal));
        Assert.DoesNotContain("momentum", result.History[0].Keys);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/callbacks/test_lr_monitor.py::test_lr_monitor_no_lr_scheduler_single_lr
    [Fact]
    public void test_lr_monitor_no_lr_scheduler_single_lr()
    {
        TrainResult result = Fit(new ParityModule(0.1), 2, new LearningRateMonitor());

        Assert.Equal(new[] { 0.1, 0.1 }, Series(result, "lr"));
        Assert.Equal(new[] { "loss", "lr", "val_loss" }, result.History[0].Keys.OrderBy(k => k, StringComparer.Ordinal));
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/callbacks/test_lr_monitor.py::test_lr_monitor_no_lr_scheduler_single_lr_with_momentum
    [Theory]
    [InlineData(0.9)]
    [InlineData(0.99)]
    public void test_lr_monitor_no_lr_scheduler_single_lr_with_momentum(double momentum)
    {
        TrainResult result = Fit(new ParityModule(1e-2) { Momentum = momentum }, 2, new LearningRateMonitor(LoggingInterval.Step, logMomentum: true));

        Assert.All(result.History, h => Assert.Equal(momentum, h["momentum"]));
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/callbacks/test_lr_monitor.py::test_log_momentum_no_momentum_optimizer_no_lr_scheduler
    [Fact]
    public void test_log_momentum_no_momentum_optimizer_no_lr_scheduler()
    {
        var trainer = new Trainer(new TrainerOptions { MaxEpochs = 1 }, new CallbackCollection { new LearningRateMonitor(logMomentum: true) });

        TrainResult result = trainer.Fit(new ParityModule(1e-2), new[] { 1, 2 });

        Assert.Single(trainer.Context!.Warnings);
        Assert.DoesNotContain("momentum", result.History[0].Keys);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/callbacks/test_lr_monitor.py::test_lr_monitor_param_groups
    [Fact]
    public void test_lr_monitor_param_groups()
    {
        TrainResult result = Fit(new ParityModule(0.01, 0.1), 2, new LearningRateMonitor(), new StepLRScheduler(0.1, 1, verbose: false));

        Assert.Equal(new[] { "lr-pg1", "lr-pg2" }, result.History[0].Keys.Where(k => k.StartsWith("lr", StringComparison.Ordinal)));
        Assert.Equal(new[] { 0.01, 0.001 }, Series(result, "lr-pg1"), new Close());
        Assert.Equal(new[] { 0.1, 0.01 }, Series(result, "lr-pg2"), new Close());
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/callbacks/test_lr_monitor.py::test_multiple_optimizers_basefinetuning
    [Fact]
    public void test_multiple_optimizers_basefinetuning()
    {
        var module = new GrowingModule();

        // The fine-tuning callback adds a group (lr 0.1) when epoch 1 starts, after StepLR has
        // halved the existing ones and before the monitor logs (priorities 0, -5, -20).
        var finetuning = new LambdaCallback { Priority = -5, OnTrainEpochStart = (_, epoch) => { if (epoch == 1) { module.Rates.Add(0.1); } } };
        TrainResult result = new Trainer(new TrainerOptions { MaxEpochs = 5 }, new CallbackCollection { new LearningRateMonitor(), new StepLRScheduler(0.5, 1, verbose: false), finetuning })
            .Fit(module, new[] { 1, 2 });

        Assert.Equal(new[] { 0.1, 0.05, 0.025, 0.0125, 0.00625 }, result.History.Select(h => h.TryGetValue("lr-pg1", out double v) ? v : h["lr"]), new Close());
        Assert.Equal(new[] { 0.1, 0.05, 0.025, 0.0125 }, result.History.Skip(1).Select(h => h["lr-pg2"]), new Close());
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/callbacks/test_lr_monitor.py::test_lr_monitor_multiple_param_groups_no_lr_scheduler
    [Fact]
    public void test_lr_monitor_multiple_param_groups_no_lr_scheduler()
    {
        TrainResult result = Fit(new ParityModule(1e-2, 1e-2) { Momentum = 0.7 }, 2, new LearningRateMonitor(logMomentum: true));

        Assert.Equal(new[] { "lr-pg1", "momentum-pg1", "lr-pg2", "momentum-pg2" }, result.History[0].Keys.Where(k => k.Contains("pg", StringComparison.Ordinal)));
        Assert.All(result.History, h => Assert.Equal(0.7, h["momentum-pg1"]));
        Assert.All(result.History, h => Assert.Equal(1e-2, h["lr-pg2"]));
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/callbacks/test_lr_monitor.py::test_lr_monitor_update_callback_metrics
    [Fact]
    public void test_lr_monitor_update_callback_metrics()
    {
        var stopping = new EarlyStoppingCallback("lr", MonitorMode.Min, stoppingThreshold: 0.02, patience: 3);

        TrainResult result = Fit(new ParityModule(0.1), 5, new LearningRateMonitor(), new StepLRScheduler(0.5, 1, verbose: false), stopping);

        Assert.Equal(new[] { 0.1, 0.05, 0.025, 0.0125 }, Series(result, "lr"), new Close());
        Assert.Equal(3, result.EpochsCompleted - 1);
        Assert.Equal(3, stopping.StoppedEpoch);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/callbacks/test_lr_monitor.py::test_lr_monitor_with_float64_lr
    [Fact]
    public void test_lr_monitor_with_float64_lr()
    {
        TrainResult result = Fit(new ParityModule(0.01), 1, new LearningRateMonitor());

        Assert.Equal(0.01, result.History[0]["lr"]);
    }

    // Lightning-AI/pytorch-lightning tests/tests_pytorch/callbacks/test_lr_monitor.py::test_lr_monitor_log_key_prefix_none
    [Fact]
    public void test_lr_monitor_log_key_prefix_none()
    {
        TrainResult result = Fit(new ParityModule(0.1), 2, new LearningRateMonitor());

        Assert.Single(result.History[0].Keys, k => k.Contains("lr", StringComparison.Ordinal));
    }

    private sealed class Close : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) < 1e-12;

        public int GetHashCode(double obj) => 0;
    }
}
