using System;
using System.IO;
using Xunit;

namespace DreamTrainer.Tests.Parity;

/// <summary>
/// keras-team/keras, keras/src/callbacks/learning_rate_scheduler_test.py (LearningRateSchedulerTest).
/// Ported: test_updates_learning_rate, test_verbose_logging,
/// test_schedule_dependent_on_previous_learning_rate, test_learning_rate_in_history (the metric is
/// <c>lr</c>, Keras 3 names it <c>learning_rate</c>: a README difference). Not applicable:
/// test_throws_when_optimizer_has_schedule — the seam has no optimizer-owned schedule objects.
/// Keras' one-argument schedule <c>lambda step: …</c> is the two-argument one ignoring the rate.
/// </summary>
public class KerasLearningRateSchedulerTests
{
    private static TrainResult Fit(ParityModule model, LearningRateScheduler scheduler, int epochs) =>
        new Trainer(new TrainerOptions { MaxEpochs = epochs }, new CallbackCollection { scheduler }).Fit(model, new[] { 1, 2, 3 });

    // keras-team/keras keras/src/callbacks/learning_rate_scheduler_test.py::LearningRateSchedulerTest::test_updates_learning_rate
    [Fact]
    public void test_updates_learning_rate()
    {
        var model = new ParityModule(0.01);

        Fit(model, new LearningRateScheduler((step, _) => 1.0 / (2.0 + step)), epochs: 1);

        Assert.Equal(0.5, model.Rates[0]);
    }

    // keras-team/keras keras/src/callbacks/learning_rate_scheduler_test.py::LearningRateSchedulerTest::test_verbose_logging
    [Fact]
    public void test_verbose_logging()
    {
        var output = new StringWriter();

        Fit(new ParityModule(0.01), new LearningRateScheduler((step, _) => 1.0 / (1.0 + step), output), epochs: 1);

        Assert.Contains("LearningRateScheduler setting learning rate to 1.0", output.ToString(), StringComparison.Ordinal);
        Assert.Equal("Epoch 1: LearningRateScheduler setting learning rate to 1.0.", output.ToString().Trim());
    }

    // keras-team/keras keras/src/callbacks/learning_rate_scheduler_test.py::LearningRateSchedulerTest::test_schedule_dependent_on_previous_learning_rate
    [Fact]
    public void test_schedule_dependent_on_previous_learning_rate()
    {
        const double initial = 0.03;
        var model = new ParityModule(initial);

        Fit(model, new LearningRateScheduler((step, lr) => lr / 2), epochs: 2);

        Assert.Equal(initial / 4.0, model.Rates[0]);
    }

    // keras-team/keras keras/src/callbacks/learning_rate_scheduler_test.py::LearningRateSchedulerTest::test_learning_rate_in_history
    [Fact]
    public void test_learning_rate_in_history()
    {
        TrainResult history = Fit(new ParityModule(0.01), new LearningRateScheduler((step, lr) => 0.5), epochs: 1);

        Assert.True(history.History[0].ContainsKey("lr"));
        Assert.Equal(0.5, history.History[0]["lr"]);
    }
}
