using System;
using System.IO;
using Xunit;

namespace DreamTrainer.Tests.Parity;

/// <summary>
/// keras-team/keras, keras/src/callbacks/terminate_on_nan_test.py (TerminateOnNaNTest): every
/// test, ported. Two deliberate differences (README): a graceful stop ends before the broken
/// epoch's end, so History has no NaN entry; and with <c>raiseError</c> every callback still gets
/// OnTrainEnd (with <see cref="TrainEndReason.Failed"/>), which Keras skips. Keras' BackupAndRestore
/// is played by <see cref="CheckpointCallback"/>.
/// </summary>
public class KerasTerminateOnNaNTests : ParityFolder
{
    private static TrainResult Fit(ParityModule model, int epochs, params ICallback[] callbacks) =>
        new Trainer(new TrainerOptions { MaxEpochs = epochs }, new CallbackCollection(callbacks)).Fit(model, Batches(3), Batches(3));

    // keras-team/keras keras/src/callbacks/terminate_on_nan_test.py::TerminateOnNaNTest::test_TerminateOnNaN
    [Fact]
    public void test_TerminateOnNaN()
    {
        var model = new ParityModule { TrainLoss = _ => double.PositiveInfinity };

        TrainResult history = Fit(model, 20, new TerminateOnNaN());

        // Deliberate difference: Keras' History holds one NaN/inf loss; here the epoch never ends.
        Assert.Equal(TrainEndReason.Stopped, history.Reason);
        Assert.Empty(history.History);
        Assert.Equal(1, history.GlobalStep);
    }

    // keras-team/keras keras/src/callbacks/terminate_on_nan_test.py::TerminateOnNaNTest::test_terminate_on_nan_graceful_stop
    [Fact]
    public void test_terminate_on_nan_graceful_stop()
    {
        TrainResult history = Fit(new ParityModule { TrainLoss = _ => double.PositiveInfinity }, 2, new TerminateOnNaN(raiseError: false));

        Assert.True(history.History.Count < 4);
        Assert.Equal(TrainEndReason.Stopped, history.Reason);
    }

    // keras-team/keras keras/src/callbacks/terminate_on_nan_test.py::TerminateOnNaNTest::test_terminate_on_nan_raise_error_raises_error
    [Fact]
    public void test_terminate_on_nan_raise_error_raises_error()
    {
        var error = Assert.Throws<CallbackException>(() => Fit(new ParityModule { TrainLoss = _ => double.PositiveInfinity }, 1, new TerminateOnNaN(raiseError: true)));

        Assert.Contains("NaN or Inf loss encountered", error.InnerException!.Message, StringComparison.Ordinal);
        Assert.Equal(Hook.TrainBatchEnd, error.Hook);
    }

    // keras-team/keras keras/src/callbacks/terminate_on_nan_test.py::TerminateOnNaNTest::test_raise_error_terminate_does_not_trigger_on_train_end
    [Fact]
    public void test_raise_error_terminate_does_not_trigger_on_train_end()
    {
        TrainEndReason? seen = null;
        var tracking = new LambdaCallback { OnTrainEnd = (context, reason) => seen = reason };

        Assert.Throws<CallbackException>(() => Fit(new ParityModule { TrainLoss = _ => double.PositiveInfinity }, 1, tracking, new TerminateOnNaN(raiseError: true)));

        // Deliberate difference: OnTrainEnd always runs; it is told the run failed (Keras skips on_train_end).
        Assert.Equal(TrainEndReason.Failed, seen);
    }

    // keras-team/keras keras/src/callbacks/terminate_on_nan_test.py::TerminateOnNaNTest::test_raise_error_terminate_preserves_backup
    [Fact]
    public void test_raise_error_terminate_preserves_backup()
    {
        string backups = Path.Combine(Root, "backups");
        Directory.CreateDirectory(backups);
        string fake = Path.Combine(backups, "checkpoint.txt");
        File.WriteAllText(fake, "dummy checkpoint");

        Assert.Throws<CallbackException>(() => Fit(
            new ParityModule { TrainLoss = epoch => epoch == 1 ? double.NaN : 1.0 },
            3,
            new CheckpointCallback(backups, monitor: null),
            new TerminateOnNaN(raiseError: true)));

        Assert.True(File.Exists(fake));
        Assert.Equal("dummy checkpoint", File.ReadAllText(fake));
        Assert.Equal(1, CheckpointFile.Read(Path.Combine(backups, CheckpointCallback.LastFileName)).EpochsCompleted);
    }

    // keras-team/keras keras/src/callbacks/terminate_on_nan_test.py::TerminateOnNaNTest::test_normal_training_does_not_raise
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void test_normal_training_does_not_raise(bool raiseError)
    {
        TrainResult history = Fit(new ParityModule(), 2, new TerminateOnNaN(raiseError: raiseError));

        Assert.Equal(2, history.History.Count);
        Assert.Equal(TrainEndReason.Completed, history.Reason);
    }

    // keras-team/keras keras/src/callbacks/terminate_on_nan_test.py::TerminateOnNaNTest::test_raise_error_terminate_stops_on_later_batch
    [Fact]
    public void test_raise_error_terminate_stops_on_later_batch()
    {
        var model = new ParityModule();
        model.TrainLoss = _ => model.TrainingSteps == 2 ? double.PositiveInfinity : 1.0;

        var error = Assert.Throws<CallbackException>(() => Fit(model, 1, new TerminateOnNaN(raiseError: true)));

        // Keras names the 0-based batch ("batch 1"); people read batches from 1 here: the second batch is "batch 2".
        Assert.Contains("batch 2 of epoch 1", error.InnerException!.Message, StringComparison.Ordinal);
    }
}
