using System;
using System.Collections.Generic;
using DreamTrainer.Testing;
using Xunit;

namespace DreamTrainer.Tests.Parity;

/// <summary>
/// keras-team/keras, keras/src/callbacks/monitor_callback_test.py (MonitorCallbackTest): both
/// tests, ported onto the monitor logic early stopping, the plateau scheduler and the checkpoint
/// callback share (<see cref="MonitoredMetric"/>).
/// </summary>
public class KerasMonitorCallbackTests
{
    // keras-team/keras keras/src/callbacks/monitor_callback_test.py::MonitorCallbackTest::test_monitor_op_logic
    [Theory]
    [InlineData(MonitorMode.Max, "val_mse", MonitorMode.Max)]
    [InlineData(MonitorMode.Min, "val_loss", MonitorMode.Min)]
    [InlineData(MonitorMode.Auto, "val_mse", MonitorMode.Min)]
    [InlineData(MonitorMode.Auto, "loss", MonitorMode.Min)]
    [InlineData(MonitorMode.Auto, "acc", MonitorMode.Max)]
    [InlineData(MonitorMode.Auto, "val_accuracy", MonitorMode.Max)]
    [InlineData(MonitorMode.Auto, "hinge", MonitorMode.Min)]
    [InlineData(MonitorMode.Auto, "f1_score", MonitorMode.Max)]
    public void test_monitor_op_logic(MonitorMode mode, string monitor, MonitorMode expected)
    {
        var metric = new MonitoredMetric("MonitorCallback", monitor, mode);

        Assert.Equal(expected, metric.Resolve(CompiledContext()));
    }

    // keras-team/keras keras/src/callbacks/monitor_callback_test.py::MonitorCallbackTest::test_monitor_op_logic (an unknown metric raises)
    [Fact]
    public void test_monitor_op_logic_unknown_raises()
    {
        var metric = new MonitoredMetric("MonitorCallback", "unknown", MonitorMode.Auto);

        var error = Assert.Throws<InvalidOperationException>(() => metric.Resolve(CompiledContext()));

        Assert.Contains("'unknown'", error.Message, StringComparison.Ordinal);
        Assert.Contains("MonitorMode.Min or MonitorMode.Max", error.Message, StringComparison.Ordinal);
    }

    // keras-team/keras keras/src/callbacks/monitor_callback_test.py::MonitorCallbackTest::test_min_delta
    [Fact]
    public void test_min_delta()
    {
        var metric = new MonitoredMetric("MonitorCallback", "val_loss", MonitorMode.Max);

        Assert.True(metric.IsImprovement(0.75, 0, minDelta: 0.5));
        Assert.True(metric.IsImprovement(0.5, null, minDelta: 0.5));
        Assert.False(metric.IsImprovement(0.5, 0, minDelta: 0.5));
        Assert.False(metric.IsImprovement(0.2, 0.5, minDelta: 0.5));
    }

    /// <summary>A run whose module declares the directions Keras' compiled metrics carry (mse, acc, accuracy, hinge, F1Score).</summary>
    private static TrainerContext CompiledContext()
    {
        var harness = new CallbackTestHarness(new LambdaCallback());
        var directions = new Dictionary<string, MonitorMode>
        {
            ["mse"] = MonitorMode.Min,
            ["acc"] = MonitorMode.Max,
            ["accuracy"] = MonitorMode.Max,
            ["hinge"] = MonitorMode.Min,
            ["f1_score"] = MonitorMode.Max,
        };
        foreach (KeyValuePair<string, MonitorMode> direction in directions)
        {
            harness.Context.DeclareMetricDirection(direction.Key, direction.Value);
        }

        return harness.Context;
    }
}
